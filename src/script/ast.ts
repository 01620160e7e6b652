/**
 * The parsed workload language (product.md §1). Numbers are exact `bigint` byte values;
 * the parser has already checked syntax, ranges and knob names. Values the kernel would
 * refuse (`huge=force`, `hugepages-64kB=bogus`) are kept as written: they are results, not
 * script errors.
 */

/** An optional `[OFF LEN]` byte range; `undefined` means "the whole current mapping". */
export interface ByteRange {
  readonly pos: bigint;
  readonly len: bigint;
}

/** One `KEY=VALUE` pair of a `thp` line; `key` is a knob name product.md §1 allows. */
export interface KnobWrite {
  /** `shmem_enabled`, `hugepages-<N>kB`, or `khugepaged.<name>`. */
  readonly key: string;
  /** The value word as written (validated by the model, which answers EINVAL). */
  readonly value: string;
}

/**
 * `madvise` flags: -h -n -c -R -d, and xfs_io's -r -s -w (MADV_HUGEPAGE, MADV_NOHUGEPAGE,
 * MADV_COLLAPSE, MADV_REMOVE, MADV_DONTNEED, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED).
 */
export type Advice = 'hugepage' | 'nohugepage' | 'collapse' | 'remove' | 'dontneed' | 'random' | 'sequential' | 'willneed';

/**
 * A command of the language, tagged on `cmd`. `bsize` of `pwrite`/`pread` is xfs_io's
 * `-b BSIZE` (calls of BSIZE bytes); undefined means one call of LEN bytes.
 */
export type Command =
  | { readonly cmd: 'mount'; readonly kind: 'tmpfs'; readonly huge: string | undefined; readonly size: bigint | undefined }
  | { readonly cmd: 'mount'; readonly kind: 'anon' | 'sysv'; readonly size: bigint }
  | { readonly cmd: 'mount'; readonly kind: 'memfd' }
  | { readonly cmd: 'remount'; readonly huge: string }
  | { readonly cmd: 'thp'; readonly writes: readonly KnobWrite[] }
  | { readonly cmd: 'open'; readonly name: string }
  | { readonly cmd: 'unlink' }
  | { readonly cmd: 'pwrite'; readonly byte: number; readonly pos: bigint; readonly len: bigint; readonly bsize: bigint | undefined }
  | { readonly cmd: 'pread'; readonly pos: bigint; readonly len: bigint; readonly bsize: bigint | undefined }
  | { readonly cmd: 'falloc'; readonly keepSize: boolean; readonly pos: bigint; readonly len: bigint }
  | { readonly cmd: 'fpunch'; readonly pos: bigint; readonly len: bigint }
  | { readonly cmd: 'fzero'; readonly pos: bigint; readonly len: bigint }
  | { readonly cmd: 'truncate'; readonly size: bigint }
  | { readonly cmd: 'seek'; readonly whence: 'data' | 'hole'; readonly offset: bigint }
  | { readonly cmd: 'mmap'; readonly misalign: bigint; readonly range: ByteRange | undefined }
  | { readonly cmd: 'munmap' }
  | { readonly cmd: 'mread'; readonly range: ByteRange | undefined }
  | { readonly cmd: 'mwrite'; readonly byte: number; readonly range: ByteRange | undefined }
  | { readonly cmd: 'madvise'; readonly advice: Advice; readonly range: ByteRange | undefined }
  | { readonly cmd: 'pin'; readonly range: ByteRange | undefined }
  | { readonly cmd: 'unpin'; readonly range: ByteRange | undefined }
  | { readonly cmd: 'reclaim' }
  /** Model-only (issue 10): one pass of the what-if policy's scanner (zeropage-scan); 0 under the others. */
  | { readonly cmd: 'scan' }
  /** Model-only (issue 10): reclaim whenever resident memory passes `limit` bytes after a command (0: no limit). */
  | { readonly cmd: 'memory'; readonly limit: bigint }
  | { readonly cmd: 'khugepaged' };

/** The command words, in product.md §1 order. */
export type CommandName = Command['cmd'];

/** One command line of a script. */
export interface ScriptLine {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The line as written, without its comment or task prefix, whitespace-trimmed. */
  readonly op: string;
  /** Task label of a `[A]` prefix, or undefined for a line without one. */
  readonly task: string | undefined;
  readonly command: Command;
}

/** A parsed script. */
export interface Script {
  /** The file name as given on the command line (used in `FILE:LINE` messages). */
  readonly file: string;
  /** The whole source text. */
  readonly text: string;
  readonly lines: readonly ScriptLine[];
}
