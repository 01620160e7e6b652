import type { StatsDelta } from '../script/index.js';

/**
 * Per-size counters summed over operations: the §2 `stats` deltas added up, in the same
 * `{ "64kB": { "split": 1 } }` shape, sizes and counter names in the order first seen.
 *
 * ### Example
 * ```ts
 * const c = new Counters()
 * c.add({ '64kB': { shmem_alloc: 1 } }); c.add({ '64kB': { shmem_alloc: 2, split: 1 } })
 * c.json() // '{"64kB":{"shmem_alloc":3,"split":1}}'
 * ```
 */
export class Counters {
  readonly #sizes = new Map<string, Map<string, number>>();

  /** Start from `from` (a stored sum), or from zero. */
  constructor(from?: StatsDelta) {
    if (from !== undefined) this.add(from);
  }

  /** Add one operation's deltas. */
  add(delta: StatsDelta): void {
    for (const [size, counters] of Object.entries(delta)) {
      let m = this.#sizes.get(size);
      if (m === undefined) this.#sizes.set(size, (m = new Map()));
      for (const [name, n] of Object.entries(counters)) m.set(name, (m.get(name) ?? 0) + n);
    }
  }

  /** The sums, sizes from the smallest and counter names sorted. Pure. */
  toJSON(): Record<string, Record<string, number>> {
    const sizes = [...this.#sizes.keys()].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    return Object.fromEntries(sizes.map((s) => [s, Object.fromEntries([...this.#sizes.get(s)!].sort(([a], [b]) => a.localeCompare(b)))]));
  }

  /** `toJSON()` as text. */
  json(): string {
    return JSON.stringify(this.toJSON());
  }
}
