import { Worker } from 'node:worker_threads';
import { chunksOf } from '../campaign/index.js';
import { Fuzzer, type FuzzFound, type FuzzOptions } from '../fuzz/index.js';

/** A block of seeds one local worker runs: first and last, both included. */
export interface Block {
  readonly first: number;
  readonly last: number;
}

/** What a worker ran of a block: seeds and commands up to and including its first failure (or all). */
export interface BlockDone extends Block {
  readonly seeds: number;
  readonly ops: number;
  /** The block's first failing seed, or null. */
  readonly failed: number | null;
}

/** What `fuzz` reports: seeds tried, commands run, and the first failing seed (as `Fuzzer` gives them). */
export interface FuzzOutcome {
  readonly seeds: number;
  readonly ops: number;
  readonly found: FuzzFound | undefined;
}

/** Seeds per block: about 500 commands' worth, so a stop or a lower failure is seen soon. Pure. */
function blockSeeds(ops: number): number {
  return Math.max(1, Math.min(250, Math.floor(500 / ops)));
}

/**
 * `Fuzzer` over `jobs` worker threads: the seeds are handed out in blocks in seed order, each
 * worker stopping at its block's first failure. Once a seed fails, no block above it is handed
 * out, and the answer waits for every block below it: the failing seed is the lowest, and the
 * seeds and commands counted are those of every seed up to it — what `Fuzzer` alone reports.
 * The failing seed is run once more here to hand back its script and trial.
 * `tick(seeds)` is told the seeds finished so far.
 * @returns the outcome, or 'stopped' when `stop` was aborted first (the threads are ended)
 *
 * ### Example
 * ```ts
 * const r = await parallelFuzz({ seeds: [1, 2000], ops: 10, tasks: 2, bugs: [] }, 2, stop, () => {})
 * ```
 */
export async function parallelFuzz(o: FuzzOptions, jobs: number, stop: AbortSignal, tick: (seeds: number) => void): Promise<FuzzOutcome | 'stopped'> {
  const blocks = chunksOf(o.seeds, blockSeeds(o.ops));
  const { seeds: _seeds, ...each } = o;
  const threads = Array.from({ length: jobs }, () => new Worker(new URL('./fuzz-thread.js', import.meta.url), { workerData: each }));
  const done: BlockDone[] = [];
  let next = 0;
  let lowest = Infinity;
  let busy = 0;
  let finished = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const give = (t: Worker): void => {
        const b = blocks[next];
        if (b === undefined || b.first > lowest) {
          if (busy === 0) resolve();
          return;
        }
        busy++;
        t.postMessage({ first: b.first, last: b.last } satisfies Block);
        next++;
      };
      const onStop = (): void => resolve();
      stop.addEventListener('abort', onStop, { once: true });
      for (const t of threads) {
        t.on('error', reject);
        t.on('message', (b: BlockDone) => {
          busy--;
          done.push(b);
          finished += b.seeds;
          if (b.failed !== null && b.failed < lowest) lowest = b.failed;
          tick(finished);
          give(t);
        });
      }
      for (const t of threads) give(t);
    });
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
  if (stop.aborted) return 'stopped';
  const counted = done.filter((b) => b.first <= lowest);
  const ops = counted.reduce((n, b) => n + b.ops, 0);
  if (lowest === Infinity) return { seeds: o.seeds[1] - o.seeds[0] + 1, ops, found: undefined };
  const again = new Fuzzer({ ...o, seeds: [lowest, lowest] });
  again.step();
  return { seeds: lowest - o.seeds[0] + 1, ops, found: again.found };
}
