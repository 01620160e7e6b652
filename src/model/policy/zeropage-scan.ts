import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import { folioNextIndex } from '../folio.js';
import { removeFolio } from '../folio-ops.js';
import type { Inode } from '../inode.js';
import { splitFolio } from '../split.js';
import { PAGE_SIZE } from '../arch.js';
import { pagePos } from '../units.js';

/**
 * `zeropage-scan[:every=N]` (linux-mm, May 2024: "scan for zero pages later"): a scanner pass —
 * a `scan` line, and the end of every N-th command with `every=N` — walks the large uptodate
 * folios of every file, finds the pages whose content is all zero (never written, punched, or
 * written as zeros), splits each folio that has some to order 0 and frees those pages. A pinned
 * folio cannot be split (`split_failed`) and keeps them. Not-uptodate (fallocated) folios are
 * left alone: fallocate reserved them on purpose. Not in 6.18.
 * Its cost is counted as a scanner in the kernel would pay it: pages scanned, and bytes compared
 * with zero — a page's compare stops at its first non-zero byte (memchr_inv()), so an all-zero
 * page costs 4,096 and a page of data costs the offset of its first non-zero byte + 1. Freed
 * pages that held written bytes (zeros the user wrote) are counted apart: the scanner turned
 * written data into holes.
 * Divergence: the model reads content as runs of equal bytes, so a page costs a lookup, not
 * 4,096 comparisons.
 */
export class ZeropageScan {
  readonly #every: number | undefined;
  #commands = 0;
  /** Pages looked at, over every pass. */
  pagesScanned = 0;
  /** Bytes compared with zero, over every pass (see the class note). */
  bytesCompared = 0;
  /** Pages freed that held written bytes (all zeros), over every pass. */
  zerosHoled = 0;

  /** `every`: run a pass at the end of every `every`-th command (none: only `scan` lines). */
  constructor(every: number | undefined) {
    this.#every = every;
  }

  /** A command ended. @returns true when a pass ran (its `every`-th). */
  commandEnded(ctx: ShmemCtx, inodes: readonly Inode[]): boolean {
    if (this.#every === undefined || ++this.#commands % this.#every !== 0) return false;
    this.scan(ctx, inodes);
    return true;
  }

  /** One pass over every file, in creation order, each in index order. @returns pages freed. */
  scan(ctx: ShmemCtx, inodes: readonly Inode[]): number {
    let freed = 0;
    for (const inode of inodes) {
      const large: Folio[] = [];
      inode.cache.forEach((f) => { if (f.order > 0 && f.uptodate) large.push(f); });
      for (const folio of large) freed += this.#scanFolio(ctx, inode, folio);
    }
    return freed;
  }

  /** The all-zero pages of `folio` freed after a split; none when it has none or is pinned. */
  #scanFolio(ctx: ShmemCtx, inode: Inode, folio: Folio): number {
    const zero: number[] = [];
    for (let p = folio.index; p < folioNextIndex(folio); p++) {
      const nonZero = firstNonZero(inode, p);
      this.pagesScanned++;
      this.bytesCompared += nonZero === undefined ? PAGE_SIZE : nonZero + 1;
      if (nonZero === undefined) zero.push(p);
    }
    if (zero.length === 0 || !splitFolio(ctx, inode, folio, 'scan')) return 0;
    let freed = 0;
    for (const p of zero) {
      const piece = inode.cache.lookup(p);
      // A piece past EOF went with the split itself.
      if (piece === undefined || piece.order !== 0 || piece.pins > 0) continue;
      const next = pagePos(p + 1);
      if (inode.content.firstWritten(pagePos(p), next) < next) this.zerosHoled++;
      removeFolio(ctx, inode, piece);
      freed++;
    }
    return freed;
  }
}

/** The offset in page `index` of `inode` of its first non-zero byte; undefined when it holds only zeros (written or not). Pure. */
function firstNonZero(inode: Inode, index: number): number | undefined {
  const pos = pagePos(index);
  for (const [offset, , byte] of inode.content.read(pos, pagePos(index + 1) - pos)) if (byte !== 0) return offset;
  return undefined;
}
