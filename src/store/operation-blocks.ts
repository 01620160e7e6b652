import { createHash, type Hash } from 'node:crypto';
import { statsKey, type StatsDelta } from '../script/index.js';

/*
 * `operation_blocks` (migration 0006): a hash per block of BLOCK_OPS consecutive operations of
 * what `diff` compares of each row, so that `diff` reads only the rows of blocks that differ.
 */

/** Operations per block. */
export const BLOCK_OPS = 1024;

/** What `diff` compares of an operation row, as the writer binds it. */
export interface ComparedFields {
  readonly line: number;
  readonly op: string;
  readonly ret: bigint | number | null;
  readonly errno: string | null;
  readonly size: bigint | number;
  readonly blocks: bigint | number;
  /** `operations.data` as stored (JSON text), or null. */
  readonly data: string | null;
  readonly stats: StatsDelta;
  readonly layout: number | null;
}

/** A finished block: its first operation, how many it holds, its hash. */
export type Block = readonly [firstI: number, ops: number, hash: Uint8Array];

/**
 * Hashes a run's operations a block at a time, in order. `add` returns the block it completes;
 * `rest` the last, shorter one. The hash covers each row as one tab-separated line (the counters
 * with sorted keys, so the same counters in another key order hash alike), 16 bytes of SHA-256.
 */
export class BlockHasher {
  #hash: Hash | undefined;
  #first = 0;
  #n = 0;

  add(i: number, f: ComparedFields): Block | undefined {
    if (this.#hash === undefined) {
      this.#hash = createHash('sha256');
      this.#first = i;
      this.#n = 0;
    }
    this.#hash.update(`${f.line}\t${f.op}\t${f.ret ?? ''}\t${f.errno ?? ''}\t${f.size}\t${f.blocks}\t${f.data ?? ''}\t${statsKey(f.stats)}\t${f.layout ?? ''}\n`);
    return ++this.#n === BLOCK_OPS ? this.rest() : undefined;
  }

  /** The block under way, if it holds any operation; the next `add` starts another. */
  rest(): Block | undefined {
    if (this.#hash === undefined) return undefined;
    const block: Block = [this.#first, this.#n, this.#hash.digest().subarray(0, 16)];
    this.#hash = undefined;
    return block;
  }
}
