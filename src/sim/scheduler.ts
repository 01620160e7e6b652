import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Picks which runnable task steps next. Deterministic in its seed (or its schedule): the same
 * choices among the same runnable tasks give the same picks.
 */
export interface Scheduler {
  /** One of `runnable` (task names in name order, never empty), for step `step` (0-based). */
  pick(runnable: readonly string[], step: number): string;
}

/** How a run schedules its tasks: `--sched random` (the default) or `--sched pct[:DEPTH]`. */
export type SchedKind = { readonly kind: 'random' } | { readonly kind: 'pct'; readonly depth: number };

/** The default depth of PCT (`--sched pct`). */
export const PCT_DEPTH = 3;

/** Each step, a task drawn uniformly from the runnable ones. */
export class RandomScheduler implements Scheduler {
  readonly #rng;

  constructor(seed: number) {
    this.#rng = xoroshiro128plus(seed);
  }

  pick(runnable: readonly string[]): string {
    return runnable[runnable.length === 1 ? 0 : uniformInt(this.#rng, 0, runnable.length - 1)]!;
  }
}

/**
 * PCT (Burckhardt et al., "A randomized scheduler with probabilistic guarantees of finding
 * bugs", ASPLOS 2010): every task gets a distinct random priority above `depth`, and `depth − 1`
 * change points are drawn among the first `steps` steps; the highest-priority runnable task
 * runs, and at the k-th change point the task that runs drops to priority k (below every
 * initial one). Finds a bug of depth d with probability at least 1/(n·k^(d−1)).
 */
export class PctScheduler implements Scheduler {
  readonly #priority = new Map<string, number>();
  readonly #changes = new Map<number, number>();

  /** `tasks`: every task name; `steps`: an estimate of the steps of the run. */
  constructor(seed: number, depth: number, tasks: readonly string[], steps: number) {
    const rng = xoroshiro128plus(seed);
    const order = [...tasks];
    // Fisher–Yates: a random permutation gives distinct priorities depth+1 … depth+n.
    for (let i = order.length - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    order.forEach((t, k) => this.#priority.set(t, depth + 1 + k));
    for (let k = depth - 1; k >= 1; k--) this.#changes.set(uniformInt(rng, 0, Math.max(1, steps) - 1), k);
  }

  pick(runnable: readonly string[], step: number): string {
    let best = runnable[0]!;
    for (const t of runnable) if (this.#priority.get(t)! > this.#priority.get(best)!) best = t;
    const drop = this.#changes.get(step);
    if (drop !== undefined) this.#priority.set(best, drop);
    return best;
  }
}

/**
 * Replays a schedule (`--schedule FILE`): step k runs the k-th task named, when it can run.
 * An entry whose task cannot run at that step is passed over, and once the list is used up
 * the first runnable task in name order runs: a schedule a run recorded always fits its script.
 */
export class ReplayScheduler implements Scheduler {
  readonly #names: readonly string[];
  #next = 0;

  constructor(names: readonly string[]) {
    this.#names = names;
  }

  pick(runnable: readonly string[]): string {
    while (this.#next < this.#names.length) {
      const t = this.#names[this.#next++]!;
      if (runnable.includes(t)) return t;
    }
    return runnable[0]!;
  }
}
