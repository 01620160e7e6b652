import type { FileId, FolioId } from './units.js';
import { PAGE_SHIFT } from './arch.js';

/**
 * A folio in a file's page cache. Mutable flags live here for speed (a run may hold millions
 * of folios); only the model changes them. The lifecycle state is the machine's business.
 */
export interface Folio {
  readonly id: FolioId;
  /** The inode whose page cache holds it. */
  readonly file: FileId;
  /** First page, a multiple of `2^order`. Mirrors: folio->index. */
  readonly index: number;
  readonly order: number;
  /** Mirrors: folio_test_uptodate(). Set only by `PageCache.markUptodate` (it keeps the layout digest). */
  uptodate: boolean;
  /** Extra references (GUP / vmsplice pins) that make a split fail. */
  pins: number;
  /** Whether the lifecycle currently says `reclaim-candidate` (the model emitted the mark). */
  reclaimMarked: boolean;
}

/** Pages in the folio. Mirrors: folio_nr_pages(). Pure. */
export function folioNrPages(f: Folio): number {
  return 2 ** f.order;
}

/** First page after the folio. Mirrors: folio_next_index(). Pure. */
export function folioNextIndex(f: Folio): number {
  return f.index + 2 ** f.order;
}

/** Byte position of the folio. Mirrors: folio_pos(). Pure. */
export function folioPos(f: Folio): bigint {
  return BigInt(f.index) << BigInt(PAGE_SHIFT);
}

/** Bytes in the folio. Mirrors: folio_size(). Pure. */
export function folioSize(f: Folio): bigint {
  return BigInt(2 ** f.order) << BigInt(PAGE_SHIFT);
}
