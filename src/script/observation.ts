/** `[pgoff, order, uptodate]` of one folio (product.md §2). */
export type FolioTriple = readonly [pgoff: number, order: number, uptodate: 0 | 1];

/** Per-size counters an operation changed: `{"64kB": {"split": 1}}`. */
export type StatsDelta = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** `[offset, length, byte]`: a run of equal bytes of a read, offset relative to the read. */
export type DataRun = readonly [offset: number, length: number, byte: number];

/** `[pgoff, npages]`: pages the kernel holds but cannot show (uptodate, wholly past EOF). */
export type BlindRun = readonly [pgoff: number, npages: number];

/**
 * What one command line did, as `foliolog run --json` and `foliolog kernel --json` print it
 * (product.md §2). Byte quantities are `bigint` so that positions past 2^53 stay exact.
 */
export interface Observation {
  /** 0-based command index. */
  readonly i: number;
  /** 1-based script line. */
  readonly line: number;
  /** The task of a line with an `[A]` prefix (product.md §1); absent on every other line. */
  readonly task?: string;
  /** The line as written, without its comment or task prefix. */
  readonly op: string;
  /** Bytes for pwrite/pread/pin, the offset for seek, else 0n; an errno name or "SIGBUS" on failure. */
  readonly ret: bigint | string;
  readonly folios: readonly FolioTriple[];
  readonly stats: StatsDelta;
  /** i_size after the operation. */
  readonly size: bigint;
  /** st_blocks (512-byte units) after the operation. */
  readonly blocks: bigint;
  readonly data?: readonly DataRun[];
  readonly blind?: readonly BlindRun[];
}
