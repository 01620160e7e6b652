import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded stream of choices (xoroshiro128+, as the benchmark mix): the generators' only randomness. */
export class Dice {
  readonly #rng;

  constructor(seed: number) {
    this.#rng = xoroshiro128plus(seed);
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return uniformInt(this.#rng, lo, hi);
  }

  /** One of `xs` (not empty), uniformly. */
  one<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }

  /** True with probability `percent` / 100. */
  chance(percent: number): boolean {
    return this.int(0, 99) < percent;
  }
}
