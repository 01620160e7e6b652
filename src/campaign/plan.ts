/**
 * One chunk of a campaign: a run of consecutive seeds a worker takes as a whole (a queue job;
 * "chunk" here is a share of the seed range, nothing of the page cache).
 */
export interface Chunk {
  /** 0-based, in seed order. */
  readonly chunk: number;
  /** First and last seed, both included. */
  readonly first: number;
  readonly last: number;
}

/**
 * Seeds per chunk when `--chunk` is not given: about 2,000 commands' worth (200 seeds of 10
 * commands, 100 of 20), one to a few seconds of one core, so a chunk ends well inside the
 * queue's expiry and a killed worker loses little. Pure.
 */
export function defaultChunkSeeds(ops: number): number {
  return Math.max(1, Math.min(1000, Math.floor(2000 / ops)));
}

/**
 * Seeds `first..last` (both included) cut into chunks of `size` seeds, the last one shorter. Pure.
 *
 * ### Example
 * ```ts
 * chunksOf([1, 450], 200) // [{ chunk: 0, first: 1, last: 200 }, { chunk: 1, first: 201, last: 400 }, { chunk: 2, first: 401, last: 450 }]
 * ```
 */
export function chunksOf([first, last]: readonly [number, number], size: number): Chunk[] {
  const out: Chunk[] = [];
  for (let a = first, k = 0; a <= last; a += size, k++) out.push({ chunk: k, first: a, last: Math.min(last, a + size - 1) });
  return out;
}
