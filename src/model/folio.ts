import type { FileId, FolioId } from './units.js';
import { PAGE_SHIFT } from './arch.js';

/** `Folio#bits`: the order (below 16), then uptodate (16), reclaim mark (32), locked (64), and pins × 128 above. */
const UPTODATE = 16;
const RECLAIM_MARKED = 32;
const LOCKED = 64;
const FLAGS = 128;

/**
 * A folio in a file's page cache. Mutable flags live here for speed (a run may hold millions
 * of folios); only the model changes them. The lifecycle state is the machine's business.
 * Compact: four fields, the order, flags and pin count packed in one number (a live folio
 * costs its object and its page-cache slot, nothing more).
 */
export class Folio {
  readonly id: FolioId;
  /** The inode whose page cache holds it. */
  readonly file: FileId;
  /** First page, a multiple of `2^order`. Mirrors: folio->index. */
  readonly index: number;
  /** order + UPTODATE + RECLAIM_MARKED + LOCKED + pins × FLAGS. */
  #bits: number;

  constructor(id: FolioId, file: FileId, index: number, order: number) {
    this.id = id;
    this.file = file;
    this.index = index;
    this.#bits = order;
  }

  // Arithmetic, not bitwise, so that a pin count past 2^25 cannot overflow the 32 bits.

  /** Mirrors: folio_order(). */
  get order(): number {
    return this.#bits % UPTODATE;
  }

  /** Mirrors: folio_test_uptodate(). Set only by `PageCache.markUptodate` (it keeps the layout digest). */
  get uptodate(): boolean {
    return this.#bits % RECLAIM_MARKED >= UPTODATE;
  }

  set uptodate(v: boolean) {
    if (v !== this.uptodate) this.#bits += v ? UPTODATE : -UPTODATE;
  }

  /** Whether the lifecycle currently says `reclaim-candidate` (the model emitted the mark). */
  get reclaimMarked(): boolean {
    return this.#bits % LOCKED >= RECLAIM_MARKED;
  }

  set reclaimMarked(v: boolean) {
    if (v !== this.reclaimMarked) this.#bits += v ? RECLAIM_MARKED : -RECLAIM_MARKED;
  }

  /**
   * Held by a fault from its lookup or allocation until it has mapped the folio; a punch's
   * first pass skips a locked folio and its later passes wait for it. Mirrors: folio_test_locked().
   */
  get locked(): boolean {
    return this.#bits % FLAGS >= LOCKED;
  }

  set locked(v: boolean) {
    if (v !== this.locked) this.#bits += v ? LOCKED : -LOCKED;
  }

  /** Extra references (GUP / vmsplice pins) that make a split fail. */
  get pins(): number {
    return Math.floor(this.#bits / FLAGS);
  }

  set pins(n: number) {
    this.#bits = (this.#bits % FLAGS) + n * FLAGS;
  }
}

/** Bytes of a folio of each order, as `bigint` (no conversion per call). */
const FOLIO_SIZES: readonly bigint[] = Array.from({ length: UPTODATE }, (_, o) => BigInt(2 ** o) << BigInt(PAGE_SHIFT));
/** Below this page index, `index × PAGE_SIZE` is an exact `number`. */
const EXACT_POS_PAGES = 2 ** (53 - PAGE_SHIFT);

/** Pages in the folio. Mirrors: folio_nr_pages(). Pure. */
export function folioNrPages(f: Folio): number {
  return 1 << f.order;
}

/** First page after the folio. Mirrors: folio_next_index(). Pure. */
export function folioNextIndex(f: Folio): number {
  return f.index + (1 << f.order);
}

/** Byte position of the folio. Mirrors: folio_pos(). Pure. */
export function folioPos(f: Folio): bigint {
  const index = f.index;
  return index < EXACT_POS_PAGES ? BigInt(index * 2 ** PAGE_SHIFT) : BigInt(index) << BigInt(PAGE_SHIFT);
}

/** Bytes in the folio. Mirrors: folio_size(). Pure. */
export function folioSize(f: Folio): bigint {
  return FOLIO_SIZES[f.order]!;
}
