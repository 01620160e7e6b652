import { PAGE_SHIFT } from './arch.js';
import type { ShmemCtx } from './context.js';
import type { SplitCause } from './decisions.js';
import type { Folio } from './folio.js';
import { folioPos, folioSize } from './folio.js';
import { removeFolio, zeroFolioRange } from './folio-ops.js';
import type { Inode } from './inode.js';
import { folioSplit } from './split.js';

/**
 * The part of byte range [lstart, lend] (`lend` inclusive; −1 means "to the end of the file",
 * as truncate passes it) that falls in `folio`: offset and length in bytes. Pure.
 */
export function partialRange(folio: Folio, lstart: bigint, lend: bigint): { offset: bigint; length: bigint } {
  const pos = folioPos(folio);
  const size = folioSize(folio);
  const offset = pos < lstart ? lstart - pos : 0n;
  // `pos + size <= (u64)end`: lend −1 is the largest u64.
  const length = lend < 0n || pos + size <= lend ? size - offset : lend + 1n - pos - offset;
  return { offset, length };
}

/**
 * Handle a folio that byte range [lstart, lend] covers partly or wholly (kernel.md §3.3):
 * wholly covered → removed. Otherwise the covered bytes are zeroed (`folio_zeroed`); an order-0
 * folio is done; a large one is split non-uniformly around the first covered page P1 and, if
 * that worked and the range ends inside the folio, the piece that now holds the page after the
 * range (or its partly covered last page) P2 is split around P2 when still large — even when
 * the range end is aligned to that piece. The second split's result is ignored.
 * `cause` says who asked (punch, truncate, a failed fallocate's cleanup), for the DecisionSink.
 * Divergence: a shmem folio is always dirty here in the model, so a failed first split never
 * falls back to removing the folio (a clean one would be truncated whole).
 * @returns false when the first split failed (the zeroed range stays allocated), else true.
 * Mirrors: mm/truncate.c truncate_inode_partial_folio() (6.18, with try_folio_split_or_unmap(),
 * which leaves shmem mapped on failure).
 */
export function truncateInodePartialFolio(ctx: ShmemCtx, inode: Inode, folio: Folio, lstart: bigint, lend: bigint,
  cause: SplitCause): boolean {
  const size = folioSize(folio);
  const { offset, length } = partialRange(folio, lstart, lend);
  if (length === size) {
    removeFolio(ctx, inode, folio);
    return true;
  }
  // Zeroed before any split: pages about to be freed too, and all of it if the split fails.
  // Bug switch `punch-no-zero`: a punch whose split is going to fail (a pinned folio) skips it.
  const noZero = ctx.bugs.punchNoZero && cause === 'punch' && folio.order > 0 && folio.pins > 0;
  if (!noZero) zeroFolioRange(ctx, inode, folio, offset, length);
  if (folio.order === 0) return true;
  const shift = BigInt(PAGE_SHIFT);
  if (!folioSplit(ctx, inode, folio, folio.index + Number(offset >> shift), cause)) {
    // The whole pages of the range in the folio, which the punch or truncate meant to free.
    const page = BigInt(1 << PAGE_SHIFT);
    const first = folio.index + Number((offset + page - 1n) >> shift);
    const end = folio.index + Number((offset + length) >> shift);
    if (cause === 'punch' || cause === 'truncate') ctx.policy.punchSplitFailed(ctx, inode, folio, first, end);
    return false;
  }
  if (offset + length === size) return true;
  const splitAt2 = folio.index + Number((offset + length) >> shift);
  // page_folio(split_at2): gone when the first split dropped it past EOF (mapping changed).
  const folio2 = inode.cache.lookup(splitAt2);
  if (folio2 && folio2.order > 0) folioSplit(ctx, inode, folio2, splitAt2, cause, true);
  return true;
}
