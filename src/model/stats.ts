import { HPAGE_PMD_ORDER } from './arch.js';
import { orderSizeName } from './settings.js';

/** Per-size counter names, as sysfs spells them under hugepages-<N>kB/stats/. */
export const STAT_NAMES = ['shmem_alloc', 'shmem_fallback', 'shmem_fallback_charge', 'split', 'split_failed', 'split_deferred'] as const;
/** A per-size counter name. */
export type StatName = (typeof STAT_NAMES)[number];

/** The machine's per-size counters (global to every mount and file). Mirrors: count_mthp_stat(). */
export class Stats {
  readonly #v: number[] = new Array<number>((HPAGE_PMD_ORDER + 1) * STAT_NAMES.length).fill(0);

  /** Add 1 to counter `name` of `order`. */
  count(order: number, name: StatName): void {
    this.#v[order * STAT_NAMES.length + STAT_NAMES.indexOf(name)]! += 1;
  }

  /** Value of one counter. Pure. */
  get(order: number, name: StatName): number {
    return this.#v[order * STAT_NAMES.length + STAT_NAMES.indexOf(name)]!;
  }

  /** A copy of every counter, to diff later. Pure. */
  snapshot(): readonly number[] {
    return this.#v.slice();
  }

  /**
   * Counters that changed since `before`, keyed like sysfs (`{"64kB": {"split": 1}}`), sizes
   * from the largest down, counters in sysfs order. Pure.
   */
  delta(before: readonly number[]): Record<string, Record<string, number>> {
    return keyed(this.#v, before);
  }

  /** Add what each counter changed since `before` to `into` (a zeroed `snapshot()`-sized array). */
  accumulate(before: readonly number[], into: number[]): void {
    for (let k = 0; k < this.#v.length; k++) into[k]! += this.#v[k]! - before[k]!;
  }

  /** `changes` (summed by `accumulate`) keyed as `delta` keys them. Pure. */
  static keyed(changes: readonly number[]): Record<string, Record<string, number>> {
    return keyed(changes, undefined);
  }
}

/**
 * The counters whose change `now[k] − before[k]` (without `before`: `now[k]`) is not 0, keyed
 * like sysfs, largest size first. Arrays, not a function per counter: this runs once per command.
 * Pure.
 */
function keyed(now: readonly number[], before: readonly number[] | undefined): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (let o = HPAGE_PMD_ORDER; o >= 1; o--) {
    for (let k = 0; k < STAT_NAMES.length; k++) {
      const at = o * STAT_NAMES.length + k;
      const n = before === undefined ? now[at]! : now[at]! - before[at]!;
      if (n !== 0) (out[orderSizeName(o)] ??= {})[STAT_NAMES[k]!] = n;
    }
  }
  return out;
}
