import type { BugName, PolicySpec } from '../model/index.js';
import type { SimFailure } from '../sim/index.js';
import { raceScript } from './race.js';
import type { Trial, TrialSched } from './trial.js';
import { trial } from './trial.js';

/** What `foliolog fuzz` explores (issue 9). */
export interface FuzzOptions {
  /** First and last seed, both included. */
  readonly seeds: readonly [number, number];
  /** Commands per script (`raceScript`). */
  readonly ops: number;
  readonly tasks: number;
  readonly bugs: readonly BugName[];
  /** The what-if policy (default `linux-6.18`). */
  readonly policy?: PolicySpec;
}

/** The first failing seed: its script, how it was scheduled, and what failed. */
export interface FuzzFound {
  readonly seed: number;
  readonly script: string;
  readonly sched: TrialSched;
  readonly trial: Trial & { readonly failure: SimFailure };
}

/**
 * The scheduler of a seed: odd seeds draw each step at random, even seeds run PCT of depth 3
 * (a few priority changes find the bugs that need a task to stop at just one point). Pure.
 */
export function schedOfSeed(seed: number): TrialSched {
  return seed % 2 === 1 ? { random: seed } : { pct: seed };
}

/**
 * Seeded random race scripts run on the model with the oracle on, one seed per `step()`, until
 * one fails or the seeds run out (a `Stepper`, so that a driver can stop between seeds).
 * Nothing is recorded: the caller shrinks and records what it finds.
 *
 * ### Example
 * ```ts
 * const f = new Fuzzer({ seeds: [1, 1000], ops: 20, tasks: 2, bugs: ['fault-during-punch'] })
 * while (f.step()) {}
 * f.found // { seed: 17, script: '…', sched: { random: 17 }, trial: { failure: { check: 'punch-empties-range', … } } }
 * ```
 */
export class Fuzzer {
  readonly #o: FuzzOptions;
  #next: number;
  /** Seeds tried so far. */
  seeds = 0;
  /** Commands run to their end so far, over all seeds. */
  ops = 0;
  /** The failing seed, once found. */
  found: FuzzFound | undefined;

  constructor(o: FuzzOptions) {
    this.#o = o;
    this.#next = o.seeds[0];
  }

  /** Seeds in the range. */
  get total(): number {
    return this.#o.seeds[1] - this.#o.seeds[0] + 1;
  }

  /** Run the next seed. @returns true while seeds remain and none failed. */
  step(): boolean {
    if (this.found !== undefined || this.#next > this.#o.seeds[1]) return false;
    const seed = this.#next++;
    const script = raceScript(seed, { ops: this.#o.ops, tasks: this.#o.tasks });
    const sched = schedOfSeed(seed);
    const t = trial(script, `fuzz-${seed}.fl`, this.#o.bugs, sched, this.#o.policy)!;
    this.seeds++;
    this.ops += t.ops;
    if (t.failure !== undefined) {
      this.found = { seed, script, sched, trial: { ...t, failure: t.failure } };
      return false;
    }
    return this.#next <= this.#o.seeds[1];
  }
}
