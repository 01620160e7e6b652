import { HPAGE_PMD_ORDER } from './arch.js';
import type { ShmemCtx } from './context.js';
import { InvariantError } from './errno.js';
import type { SplitCause } from './decisions.js';
import type { Folio } from './folio.js';
import { addFolio, clearReclaimMark, markUptodate, removeFolio } from './folio-ops.js';
import type { Inode } from './inode.js';
import { pagesCeil, roundDown } from './units.js';

/** One piece of a split: `[index, order]`. */
export type SplitPiece = readonly [index: number, order: number];

/**
 * The pieces of a non-uniform ("buddy allocator like") split of the folio `(index, order)`
 * around page `at`, to order 0, in index order: for each level `o = order−1 … 0` the half of
 * the aligned block of order `o+1` around `at` that does not hold `at` becomes a piece of order
 * `o`; `at` itself ends as `(at, 0)` (kernel.md §3.4). Pure.
 * Mirrors: mm/huge_memory.c __split_unmapped_folio() with uniform_split false.
 */
export function nonUniformSplitPieces(index: number, order: number, at: number): SplitPiece[] {
  if (at < index || at >= index + 2 ** order) throw new InvariantError(`split point ${at} outside folio ${index}:${order}`);
  const pieces: SplitPiece[] = [];
  for (let o = order - 1; o >= 0; o--) {
    const base = roundDown(at, 2 ** (o + 1));
    pieces.push(at >= base + 2 ** o ? [base, o] : [base + 2 ** o, o]);
  }
  pieces.push([at, 0]);
  return pieces.sort((a, b) => a[0] - b[0]);
}

/**
 * The pieces of a uniform split of `(index, order)` to `newOrder`, in index order. Pure.
 * Mirrors: mm/huge_memory.c __split_unmapped_folio() with uniform_split true.
 */
export function uniformSplitPieces(index: number, order: number, newOrder: number): SplitPiece[] {
  const pieces: SplitPiece[] = [];
  for (let i = index; i < index + 2 ** order; i += 2 ** newOrder) pieces.push([i, newOrder]);
  return pieces;
}

/**
 * Replace a large folio by `pieces`, or refuse when it holds extra references. Pieces that
 * start at or past max(ceil(i_size / 4 KiB), fallocend) are dropped from the page cache by the
 * split itself, except the piece at the folio's own index (the original folio, which the
 * kernel never releases there). Counts `split` or `split_failed` for the folio's order.
 * Events: `folio_split_failed`; or `folio_split` (arg: `newOrder`), then
 * `folio_added` (cause `split`) and, if the folio was uptodate, `folio_marked_uptodate` for each
 * piece in index order, then `folio_removed` for each dropped piece. With per-block state, a
 * partly uptodate folio gives each piece its part of the bitmap: a piece whose pages are all
 * uptodate is marked uptodate, one with some keeps a bitmap. The attempt, its `cause` and
 * the page `at` it splits around (null: uniform) go to the DecisionSink, if any.
 * @returns true when split (-EAGAIN in the kernel otherwise).
 * Mirrors: mm/huge_memory.c __folio_split() (can_split_folio(), the EOF trim, count_mthp_stat()).
 */
function doSplit(ctx: ShmemCtx, inode: Inode, folio: Folio, pieces: readonly SplitPiece[], newOrder: number,
  cause: SplitCause, at: number | null, afterRange = false): boolean {
  const order = folio.order;
  if (order <= 0 || order > HPAGE_PMD_ORDER) throw new InvariantError(`split of an order-${order} folio`);
  const ok = folio.pins === 0;
  ctx.decisions?.decide({ type: 'split', folio: folio.id, cause, at, afterRange, ok, pins: folio.pins });
  if (!ok) {
    ctx.stats.count(order, 'split_failed');
    ctx.sink.emit({ type: 'folio_split_failed', folio: folio.id });
    return false;
  }
  const end = Math.max(pagesCeil(inode.iSize), inode.fallocEnd);
  // The folio ends here: its reclaim mark goes with it (folio_split is legal from reclaim-candidate).
  clearReclaimMark(inode, folio);
  inode.cache.remove(folio);
  const uptodate = folio.uptodate;
  // Per-block state: a partly uptodate folio shares its bitmap out among the pieces.
  const bits = ctx.perBlock?.take(folio);
  ctx.sink.emit({ type: 'folio_split', folio: folio.id, order: newOrder });
  const born: Folio[] = [];
  for (const [index, o] of pieces) {
    const piece = addFolio(ctx, inode, index, o, 'split', folio.id);
    if (uptodate || (bits !== undefined && ctx.perBlock!.inherit(piece, bits, folio.index))) markUptodate(ctx, inode, piece);
    born.push(piece);
  }
  for (const piece of born) {
    if (piece.index >= end && piece.index !== folio.index) removeFolio(ctx, inode, piece);
  }
  ctx.policy.folioSplit(ctx, inode, folio, born);
  ctx.stats.count(order, 'split');
  return true;
}

/**
 * Split a large folio non-uniformly to order 0 around page `splitAt`, for a punch, a truncate
 * or a failed fallocate's cleanup (`cause`); `afterRange` when `splitAt` is the page after the
 * range (the second split). See {@link doSplit} for what it emits and drops.
 * @returns true when split; false when the folio holds pins (`split_failed`).
 * Mirrors: mm/huge_memory.c folio_split() (via try_folio_split_to_order()).
 */
export function folioSplit(ctx: ShmemCtx, inode: Inode, folio: Folio, splitAt: number, cause: SplitCause,
  afterRange = false): boolean {
  return doSplit(ctx, inode, folio, nonUniformSplitPieces(folio.index, folio.order, splitAt), 0, cause, splitAt, afterRange);
}

/**
 * Split a large folio uniformly to order 0, for the EOF shrinker (`cause`: `reclaim`, or
 * `size_limit` when an allocation ran it). See {@link doSplit}.
 * @returns true when split; false when the folio holds pins (`split_failed`).
 * Mirrors: include/linux/huge_mm.h split_folio().
 */
export function splitFolio(ctx: ShmemCtx, inode: Inode, folio: Folio, cause: SplitCause): boolean {
  return doSplit(ctx, inode, folio, uniformSplitPieces(folio.index, folio.order, 0), 0, cause, null);
}

/**
 * Whether the kernel's `struct folio` of `folio` is still large after a split or removal: a
 * removed folio keeps its order; a split one is the piece at its index (never dropped). Pure.
 * Mirrors: folio_test_large() on the folio pointer a caller still holds.
 */
export function folioTestLarge(inode: Inode, folio: Folio): boolean {
  const now = inode.cache.lookup(folio.index);
  if (now === undefined || now === folio) return folio.order > 0;
  return now.order > 0;
}
