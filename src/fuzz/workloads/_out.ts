import type { Advice, ByteRange, Command } from '../../script/index.js';
import { formatCommand } from '../../script/index.js';

/** A byte range of `len` bytes at `pos` (both in bytes). Pure. */
export function at(pos: number, len: number): ByteRange {
  return { pos: BigInt(pos), len: BigInt(len) };
}

/** The commands a generator writes, built from byte counts held as numbers (below 2^53). */
export const cmd = {
  thp: (pairs: ReadonlyArray<readonly [string, string]>): Command => ({ cmd: 'thp', writes: pairs.map(([key, value]) => ({ key, value })) }),
  mountTmpfs: (huge: string): Command => ({ cmd: 'mount', kind: 'tmpfs', huge, size: undefined }),
  mountMemfd: (): Command => ({ cmd: 'mount', kind: 'memfd' }),
  mountAnon: (len: number): Command => ({ cmd: 'mount', kind: 'anon', size: BigInt(len) }),
  open: (name: string): Command => ({ cmd: 'open', name }),
  truncate: (len: number): Command => ({ cmd: 'truncate', size: BigInt(len) }),
  falloc: (pos: number, len: number): Command => ({ cmd: 'falloc', keepSize: false, pos: BigInt(pos), len: BigInt(len) }),
  fpunch: (pos: number, len: number): Command => ({ cmd: 'fpunch', pos: BigInt(pos), len: BigInt(len) }),
  /** `pwrite [-b BSIZE] -S BYTE`: one call, or calls of `bsize` bytes. */
  pwrite: (pos: number, len: number, byte: number, bsize?: number): Command =>
    ({ cmd: 'pwrite', byte, pos: BigInt(pos), len: BigInt(len), bsize: bsize === undefined ? undefined : BigInt(bsize) }),
  pread: (pos: number, len: number, bsize?: number): Command =>
    ({ cmd: 'pread', pos: BigInt(pos), len: BigInt(len), bsize: bsize === undefined ? undefined : BigInt(bsize) }),
  seek: (whence: 'data' | 'hole', offset: number): Command => ({ cmd: 'seek', whence, offset: BigInt(offset) }),
  /** `memory LIMIT` (model-only): reclaim after every command that ends with more than `limit` bytes resident. */
  memory: (limit: number): Command => ({ cmd: 'memory', limit: BigInt(limit) }),
  mmap: (): Command => ({ cmd: 'mmap', misalign: 0n, range: undefined }),
  mread: (pos: number, len: number): Command => ({ cmd: 'mread', range: at(pos, len) }),
  mwrite: (pos: number, len: number, byte: number): Command => ({ cmd: 'mwrite', byte, range: at(pos, len) }),
  madvise: (advice: Advice, pos: number, len: number): Command => ({ cmd: 'madvise', advice, range: at(pos, len) }),
  pin: (pos: number, len: number): Command => ({ cmd: 'pin', range: at(pos, len) }),
  unpin: (pos: number, len: number): Command => ({ cmd: 'unpin', range: at(pos, len) }),
} as const;

/**
 * A script being written: exactly `ops` commands, no more (`push` refuses once it is full), each
 * printed in canonical syntax (`formatCommand`), after a header comment line.
 */
export class Out {
  readonly #lines: string[] = [];
  readonly #ops: number;

  constructor(ops: number) {
    this.#ops = ops;
  }

  /** Commands still to write. */
  get left(): number {
    return this.#ops - this.#lines.length;
  }

  /** Write `c` if there is room; false once the script is full. */
  push(c: Command): boolean {
    if (this.left <= 0) return false;
    this.#lines.push(formatCommand(c));
    return true;
  }

  /** The script: `header`, then one command a line, ending in a newline. */
  text(header: string): string {
    return [header, ...this.#lines, ''].join('\n');
  }
}
