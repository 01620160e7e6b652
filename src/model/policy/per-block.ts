import type { ShmemCtx } from '../context.js';
import { InvariantError } from '../errno.js';
import type { Folio } from '../folio.js';
import { folioNextIndex, folioPos, folioSize } from '../folio.js';
import { markUptodate } from '../folio-ops.js';
import type { Inode } from '../inode.js';
import { pagePos, pageOf } from '../units.js';
import { BITS_PER_LONG } from '../arch.js';

/** The uptodate pages of one partly uptodate folio: bit `p` stands for page `folio.index + p`. */
export interface UptodateBits {
  readonly words: Uint32Array;
  /** Bits set. */
  count: number;
}

/** Bytes of a C `unsigned long`: a word of the series' bitmap, and its lock word. */
const LONG_BYTES = BITS_PER_LONG / 8;

/** Bytes of per-block state of `folio` (see `PerBlock.metadataBytes`). Pure. */
function stateBytes(folio: Folio): number {
  return LONG_BYTES + LONG_BYTES * Math.ceil((1 << folio.order) / BITS_PER_LONG);
}

/** Bits set among the first `nr` of `words`. Pure. */
function countBits(words: Uint32Array, nr: number): number {
  let count = 0;
  for (let k = 0; k * 32 < nr; k++) {
    let w = nr - k * 32 < 32 ? words[k]! & ((1 << (nr - k * 32)) - 1) : words[k]!;
    w -= (w >>> 1) & 0x55555555;
    w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
    count += (Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return count;
}

function testBit(words: Uint32Array, p: number): boolean {
  return (words[p >>> 5]! & (1 << (p & 31))) !== 0;
}

/**
 * Per-block uptodate state for large folios, as the 2024 series "shmem: add per-block uptodate
 * tracking for large folios" proposed (kernel.md §7; not in 6.18): a tmpfs block is a page, and
 * a large folio can be partly uptodate. Only such folios carry a bitmap here: an uptodate folio
 * and a not-uptodate one without any uptodate page (fallocated) need none, and nothing exists
 * for a run without per-block state (`ShmemCtx.perBlock` undefined). The pages of a partly
 * uptodate folio that are not uptodate hold no written byte (`checkInvariants`), so zeroing them
 * costs nothing in the model. Elsewhere such a folio is not uptodate, as the kernel's
 * folio_test_uptodate() says: fault-around does not map it, and a fault, a second fallocate
 * or a collapse makes it uptodate whole.
 * Mirrors (in shape): fs/iomap/buffered-io.c struct iomap_folio_state, which the series took
 * for shmem.
 */
export class PerBlock {
  readonly #partial = new Map<Folio, UptodateBits>();
  #bytes = 0;

  /**
   * Bytes of per-block state held now: for each partly uptodate folio, a lock word and its
   * bitmap in longs (8 + 8 × ceil(pages / 64): 16 for a 64 KiB folio, 72 for a PMD one), as the
   * series' per-folio state costs before the allocator rounds it up.
   */
  get metadataBytes(): number {
    return this.#bytes;
  }

  #put(folio: Folio, bits: UptodateBits): void {
    this.#partial.set(folio, bits);
    this.#bytes += stateBytes(folio);
  }

  #drop(folio: Folio): void {
    if (this.#partial.delete(folio)) this.#bytes -= stateBytes(folio);
  }

  /** Partly uptodate folios held. */
  get size(): number {
    return this.#partial.size;
  }

  /** Whether `folio` is partly uptodate: large, not uptodate, some pages uptodate. Pure. */
  isPartial(folio: Folio): boolean {
    return this.#partial.has(folio);
  }

  /** Whether page `index` of `folio` is uptodate. Pure. Mirrors: ifs_block_is_uptodate(). */
  blockIsUptodate(folio: Folio, index: number): boolean {
    if (folio.uptodate) return true;
    const bits = this.#partial.get(folio);
    return bits !== undefined && testBit(bits.words, index - folio.index);
  }

  /**
   * Mark pages [start, end) of the not-uptodate large `folio` uptodate (inside it).
   * @returns true when every page of it now is uptodate: its bitmap is gone, and the caller marks
   *   the folio uptodate.
   * Mirrors: ifs_set_range_uptodate().
   */
  setRangeUptodate(folio: Folio, start: number, end: number): boolean {
    const nr = 1 << folio.order;
    if (folio.order === 0 || start < folio.index || end > folio.index + nr || start >= end) {
      throw new InvariantError(`per-block: pages ${start}..${end - 1} of folio ${folio.id} (${folio.index}:${folio.order})`);
    }
    let bits = this.#partial.get(folio);
    if (bits === undefined) {
      if (end - start === nr) return true;
      bits = { words: new Uint32Array(Math.ceil(nr / 32)), count: 0 };
      this.#put(folio, bits);
    }
    const words = bits.words;
    for (let p = start - folio.index; p < end - folio.index; p++) {
      if (testBit(words, p)) continue;
      words[p >>> 5]! |= 1 << (p & 31);
      bits.count++;
    }
    if (bits.count < nr) return false;
    this.#drop(folio);
    return true;
  }

  /**
   * Pages [start, end) of the large `folio` stop being uptodate, except those `keep` says still
   * hold data. An uptodate folio gets a bitmap of its other pages; a folio left with no uptodate
   * page keeps none.
   * @returns true when `folio` was uptodate and some page stopped being (the caller clears the
   *   folio's flag).
   * Mirrors (in shape): ifs_clear_range_uptodate() of the series' "clear uptodate blocks after PUNCH_HOLE".
   */
  clearRange(folio: Folio, start: number, end: number, keep: (index: number) => boolean): boolean {
    const nr = 1 << folio.order;
    let bits = this.#partial.get(folio);
    if (bits === undefined && !folio.uptodate) return false;
    const words = bits?.words ?? new Uint32Array(Math.ceil(nr / 32)).fill(0xffffffff);
    let count = bits?.count ?? nr;
    for (let index = Math.max(start, folio.index); index < Math.min(end, folio.index + nr); index++) {
      const p = index - folio.index;
      if (!testBit(words, p) || keep(index)) continue;
      words[p >>> 5]! &= ~(1 << (p & 31));
      count--;
    }
    if (count === (bits?.count ?? nr)) return false;
    if (count === 0) this.#drop(folio);
    else if (bits === undefined) this.#put(folio, { words, count });
    else bits.count = count;
    return folio.uptodate;
  }

  /** Forget `folio`'s bitmap: it became uptodate, or left the page cache (removed, collapsed). */
  forget(folio: Folio): void {
    this.#drop(folio);
  }

  /** Take `folio`'s bitmap away, for a split to share out (see {@link inherit}). */
  take(folio: Folio): UptodateBits | undefined {
    const bits = this.#partial.get(folio);
    if (bits !== undefined) this.#drop(folio);
    return bits;
  }

  /**
   * Give the split piece `piece` its part of `bits`, the bitmap of the folio it came from (at
   * page `parentIndex`): a piece with some but not all pages uptodate keeps a bitmap.
   * @returns true when every page of the piece is uptodate (the caller marks it uptodate).
   */
  inherit(piece: Folio, bits: UptodateBits, parentIndex: number): boolean {
    const nr = 1 << piece.order;
    const from = piece.index - parentIndex;
    let count = 0;
    for (let p = from; p < from + nr; p++) if (testBit(bits.words, p)) count++;
    if (count === nr) return true;
    if (count === 0) return false;
    const words = new Uint32Array(Math.ceil(nr / 32));
    for (let p = 0; p < nr; p++) if (testBit(bits.words, from + p)) words[p >>> 5]! |= 1 << (p & 31);
    this.#put(piece, { words, count });
    return false;
  }

  /**
   * The first page of `folio` at or after page `from` that is uptodate (`uptodate` true) or not
   * (false), or undefined when none is. Pure.
   */
  findPage(folio: Folio, from: number, uptodate: boolean): number | undefined {
    const next = folioNextIndex(folio);
    for (let index = from < folio.index ? folio.index : from; index < next; index++) {
      if (this.blockIsUptodate(folio, index) === uptodate) return index;
    }
    return undefined;
  }

  /**
   * Each bitmap belongs to a large, not-uptodate folio of its file's page cache, with some but
   * not all pages uptodate, and no written byte in its other pages. Throws InvariantError.
   */
  checkInvariants(inodes: Iterable<Inode>): void {
    const byId = new Map<number, Inode>();
    for (const inode of inodes) byId.set(inode.id, inode);
    let bytes = 0;
    for (const folio of this.#partial.keys()) bytes += stateBytes(folio);
    if (bytes !== this.#bytes) throw new InvariantError(`per-block: ${this.#bytes} bytes of state counted, ${bytes} held`);
    for (const [folio, bits] of this.#partial) {
      const inode = byId.get(folio.file);
      const nr = 1 << folio.order;
      const count = countBits(bits.words, nr);
      const what = `per-block: folio ${folio.id} (${folio.index}:${folio.order})`;
      if (inode?.cache.lookup(folio.index) !== folio) throw new InvariantError(`${what} is not in the page cache`);
      if (folio.uptodate || count !== bits.count || count === 0 || count === nr) {
        throw new InvariantError(`${what}: ${count} of ${nr} pages uptodate, counted ${bits.count}, folio uptodate ${folio.uptodate}`);
      }
      // One lookup per run of pages that are not uptodate, not one per page.
      for (let p = 0; p < nr;) {
        if (testBit(bits.words, p)) {
          p++;
          continue;
        }
        let q = p + 1;
        while (q < nr && !testBit(bits.words, q)) q++;
        const [start, end] = [pagePos(folio.index + p), pagePos(folio.index + q)];
        const written = inode.content.firstWritten(start, end);
        if (written < end) throw new InvariantError(`${what}: page ${pageOf(written)} is not uptodate but holds written bytes`);
        p = q;
      }
    }
  }
}

/**
 * shmem_write_end() with per-block state, for `copied` bytes at byte `pos` of the not-uptodate
 * large `folio`: the pages the copy touched are marked uptodate (the rest of a partly written
 * page is zero already in the model), and the folio once every page is; the other pages stay
 * as they were, instead of 6.18's zeroing of the whole rest and marking the whole folio.
 */
export function writeEndBlocks(ctx: ShmemCtx, inode: Inode, folio: Folio, pos: bigint, copied: bigint): void {
  if (ctx.perBlock!.setRangeUptodate(folio, pageOf(pos), pageOf(pos + copied - 1n) + 1)) markUptodate(ctx, inode, folio);
}

/**
 * A punch or truncate zeroed pages [first, end) of the large `folio` and could not split it:
 * those pages stop being uptodate (a page still holding a written byte — the bug switch
 * `punch-no-zero` — stays), so SEEK_HOLE finds them and a fault zeroes them again; an uptodate
 * folio becomes partly uptodate (`folio_uptodate_cleared`). 6.18 keeps them uptodate zeros,
 * reported as data.
 */
export function clearPunchedBlocks(ctx: ShmemCtx, inode: Inode, folio: Folio, first: number, end: number): void {
  const holdsData = (index: number): boolean => {
    const next = pagePos(index + 1);
    return inode.content.firstWritten(pagePos(index), next) < next;
  };
  if (!ctx.perBlock!.clearRange(folio, first, end, holdsData)) return;
  inode.cache.clearUptodate(folio);
  ctx.sink.emit({ type: 'folio_uptodate_cleared', folio: folio.id, index: first });
}

/**
 * shmem_get_folio_gfp()'s `clear:` of a found folio that is not uptodate, with per-block state,
 * before it is marked uptodate: only the pages that are not uptodate are zeroed (they hold zero
 * already in the model), the others keep their data.
 * Bug switch `fault-clears-partial`: a fault (`fault`, SGP_CACHE) zeroes every page of a partly
 * uptodate folio, written ones included: the series' code before its patches 04–05.
 */
export function clearNotUptodate(ctx: ShmemCtx, inode: Inode, folio: Folio, fault: boolean): void {
  if (fault && ctx.bugs.faultClearsPartial && ctx.perBlock!.isPartial(folio)) {
    inode.content.clear(folioPos(folio), folioSize(folio));
  }
}
