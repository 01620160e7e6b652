import { parentPort, workerData } from 'node:worker_threads';
import { Fuzzer, type FuzzOptions } from '../fuzz/index.js';
import type { Block, BlockDone } from './parallel-fuzz.js';

/*
 * One local worker of `fuzz --jobs N` (a worker thread): runs each block of seeds it is sent as
 * `Fuzzer` does, stopping at the block's first failure, and answers with what it ran.
 */

const options = workerData as Omit<FuzzOptions, 'seeds'>;

parentPort!.on('message', (b: Block) => {
  const f = new Fuzzer({ ...options, seeds: [b.first, b.last] });
  while (f.step());
  const done: BlockDone = { ...b, seeds: f.seeds, ops: f.ops, failed: f.found?.seed ?? null };
  parentPort!.postMessage(done);
});
