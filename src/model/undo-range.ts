import { PAGE_SHIFT } from './arch.js';
import type { ShmemCtx } from './context.js';
import type { SplitCause } from './decisions.js';
import { invariant } from './errno.js';
import type { Folio } from './folio.js';
import { folioNextIndex, folioPos, folioSize } from './folio.js';
import { removeFolio } from './folio-ops.js';
import type { Inode } from './inode.js';
import { folioTestLarge } from './split.js';
import { waitUnlocked } from './folio-lock.js';
import type { Steps } from './steps.js';
import { runToEnd } from './steps.js';
import { truncateInodePartialFolio } from './truncate-partial.js';
import { pagesCeil } from './units.js';

/** Page index standing for "to the end of the file" (the kernel's `end = -1`, unsigned). */
const TO_EOF = Number.MAX_SAFE_INTEGER;

/**
 * Remove every folio lying wholly inside pages [start, end) (unfalloc: only not-uptodate ones),
 * skipping the locked ones (find_lock_entries() only trylocks: later passes wait for them).
 */
function* removeWholeFolios(ctx: ShmemCtx, inode: Inode, start: number, end: number, unfalloc: boolean): Steps<void> {
  for (const folio of inode.cache.rangeArray(start, end)) {
    if (folio.index < start || folioNextIndex(folio) > end || folio.locked) continue;
    if (!unfalloc || !folio.uptodate) removeFolio(ctx, inode, folio);
    if (ctx.stepping) yield 'punch-undo-folio';
  }
}

/**
 * The rescan of [start, end): order-0 folios are removed, large ones go through
 * truncate_inode_partial_folio() (covered → removed; split → rescan from `start` unless the
 * piece at the folio's index is still large). unfalloc: uptodate folios are skipped. For a
 * truncate (`end` = TO_EOF) a pass that found nothing after `start` rescans from `start`.
 */
function* rescan(ctx: ShmemCtx, inode: Inode, start: number, end: number, lstart: bigint, lend: bigint, unfalloc: boolean,
  cause: SplitCause): Steps<void> {
  let index = start;
  let passes = 0;
  while (index < end) {
    const folio: Folio | undefined = inode.cache.findFirst(index, end);
    if (!folio) {
      if (index === start || end !== TO_EOF) break;
      index = start;
      invariant(++passes < 1000, 'shmem_undo_range does not converge');
      continue;
    }
    // find_get_entries() moved `index` past the folio before it is handled.
    index = folioNextIndex(folio);
    if (unfalloc && folio.uptodate) continue;
    // Inline test first: a generator per folio would cost every punch, concurrent or not.
    if (folio.locked && !(yield* waitUnlocked(inode, folio))) continue;
    if (folio.order === 0) removeFolio(ctx, inode, folio);
    else if (truncateInodePartialFolio(ctx, inode, folio, lstart, lend, cause) && !folioTestLarge(inode, folio)) {
      // A split left small pieces: pick them up from the start.
      index = start;
    }
    if (ctx.stepping) yield 'punch-undo-folio';
  }
}

/**
 * Free the page cache of byte range [lstart, lend] (`lend` inclusive, −1n for "to the end"),
 * in the kernel's order of work (kernel.md §3.2): a punch or truncate (not `unfalloc`) first
 * moves fallocend back to the range start when it lies in (start, end]; folios wholly inside
 * are removed; the folio holding `lstart` and then the one holding `lend` are handled by
 * truncate_inode_partial_folio() (zeroed, split, pieces past max(EOF, fallocend) dropped); a
 * failed split narrows the range so it is not tried again; then the range is rescanned.
 * `unfalloc` (a failed fallocate undoing itself, kernel.md §11) skips the fallocend and partial
 * steps and touches only not-uptodate folios; a large one reaching out of the range is zeroed
 * and split, and when the piece at its index stays large the loop does not rescan.
 * Steppable: it yields after each folio it handled, and waits for a folio a fault holds locked
 * (the first pass skips those).
 * Mirrors: mm/shmem.c shmem_undo_range().
 */
export function* undoRangeSteps(ctx: ShmemCtx, inode: Inode, lstart: bigint, lend: bigint, unfalloc: boolean): Steps<void> {
  const shift = BigInt(PAGE_SHIFT);
  let start = pagesCeil(lstart);
  let end = lend < 0n ? TO_EOF : Number((lend + 1n) >> shift);
  const cause: SplitCause = unfalloc ? 'unfalloc' : lend < 0n ? 'truncate' : 'punch';
  if (!unfalloc && inode.fallocEnd > start && inode.fallocEnd <= end) inode.fallocEnd = start;
  yield* removeWholeFolios(ctx, inode, start, end, unfalloc);
  if (!unfalloc) {
    // lend −1 (truncate): `lend >> PAGE_SHIFT` is −1, and any folio ends after it.
    let sameFolio = lstart >> shift === lend >> shift;
    const first = yield* partialFolio(inode, Number(lstart >> shift));
    if (first) {
      sameFolio = lend < folioPos(first) + folioSize(first);
      if (!truncateInodePartialFolio(ctx, inode, first, lstart, lend, cause)) {
        start = folioNextIndex(first);
        if (sameFolio) end = first.index;
      }
      if (ctx.stepping) yield 'punch-undo-folio';
    }
    const last = !sameFolio && lend >= 0n ? yield* partialFolio(inode, Number(lend >> shift)) : undefined;
    if (last) {
      if (!truncateInodePartialFolio(ctx, inode, last, lstart, lend, cause)) end = last.index;
      if (ctx.stepping) yield 'punch-undo-folio';
    }
  }
  yield* rescan(ctx, inode, start, end, lstart, lend, unfalloc, cause);
}

/** The folio holding page `index`, locked (waiting for it). Mirrors: shmem_get_partial_folio(). */
function* partialFolio(inode: Inode, index: number): Steps<Folio | undefined> {
  for (;;) {
    const folio = inode.cache.lookup(index);
    if (!folio || !folio.locked || (yield* waitUnlocked(inode, folio))) return folio;
  }
}

/** shmem_undo_range() run to its end, nothing else running. */
export function shmemUndoRange(ctx: ShmemCtx, inode: Inode, lstart: bigint, lend: bigint, unfalloc: boolean): void {
  runToEnd(undoRangeSteps(ctx, inode, lstart, lend, unfalloc));
}

/**
 * Punch or truncate the page cache of [lstart, lend] (`lend` inclusive, −1n for "to the end").
 * Mirrors: mm/shmem.c shmem_truncate_range().
 */
export function shmemTruncateRange(ctx: ShmemCtx, inode: Inode, lstart: bigint, lend: bigint): Steps<void> {
  return undoRangeSteps(ctx, inode, lstart, lend, false);
}
