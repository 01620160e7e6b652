import type { FuzzFound, FuzzOptions } from './fuzz.js';
import { Fuzzer } from './fuzz.js';

/**
 * Every seed of a range, one per `step()`, each as `Fuzzer` runs it (same script, same
 * scheduler), without stopping at a failure: a campaign's chunk counts each seed as passed or
 * failed and keeps every failure. Nothing is recorded. A `Stepper`, so that a driver can stop
 * between seeds.
 *
 * ### Example
 * ```ts
 * const s = new Sweep({ seeds: [201, 400], ops: 10, tasks: 2, bugs: ['fault-during-punch'] })
 * while (s.step()) {}
 * s.passed // 199
 * s.found.map((f) => f.seed) // [337]
 * ```
 */
export class Sweep {
  readonly #o: FuzzOptions;
  #next: number;
  /** Seeds that passed so far. */
  passed = 0;
  /** Commands run to their end so far, over all seeds. */
  ops = 0;
  /** The failing seeds so far, in seed order. */
  readonly found: FuzzFound[] = [];

  constructor(o: FuzzOptions) {
    this.#o = o;
    this.#next = o.seeds[0];
  }

  /** Run the next seed. @returns true while seeds remain. */
  step(): boolean {
    if (this.#next > this.#o.seeds[1]) return false;
    const seed = this.#next++;
    const one = new Fuzzer({ ...this.#o, seeds: [seed, seed] });
    one.step();
    this.ops += one.ops;
    if (one.found === undefined) this.passed++;
    else this.found.push(one.found);
    return this.#next <= this.#o.seeds[1];
  }
}
