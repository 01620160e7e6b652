import { PAGE_SHIFT } from './arch.js';
import type { ShmemCtx } from './context.js';
import { InvariantError } from './errno.js';
import { Folio, folioPos, folioSize } from './folio.js';
import type { Inode } from './inode.js';
import type { FolioId } from './units.js';
import { pagesCeil } from './units.js';
import { unmapMappingRange } from './vma.js';

/**
 * Charge `nrPages` to the superblock's block limit (`size=`), or refuse.
 * @returns true when charged; false for ENOSPC (the caller may shrink and retry).
 * Mirrors: mm/shmem.c shmem_inode_acct_blocks().
 */
export function acctBlocks(inode: Inode, nrPages: number): boolean {
  const sb = inode.sb;
  if (sb.maxBlocks !== 0 && sb.usedBlocks + nrPages > sb.maxBlocks) return false;
  sb.usedBlocks += nrPages;
  return true;
}

/**
 * Put a new folio of `order` at `index` (aligned) into the page cache and emit `folio_added`.
 * It charges no blocks: an allocation charges them first (`acctBlocks`, get-folio.ts), a split
 * piece inherits its parent's; `checkInvariants` finds a folio added without its charge.
 * Mirrors: shmem_alloc_folio() + shmem_add_to_page_cache().
 */
export function addFolio(ctx: ShmemCtx, inode: Inode, index: number, order: number,
  cause: 'alloc' | 'split' | 'collapse', parent: FolioId | null): Folio {
  if (index % (1 << order) !== 0) throw new InvariantError(`folio at ${index} is not aligned to order ${order}`);
  const folio = new Folio(ctx.nextFolioId(), inode.id, index, order);
  inode.cache.add(folio);
  ctx.sink.emit({ type: 'folio_added', folio: folio.id, file: inode.id, index, order, parent, cause });
  return folio;
}

/**
 * Mark the whole folio uptodate (its content is already zero where nothing was written); with
 * per-block state, its bitmap goes.
 */
export function markUptodate(ctx: ShmemCtx, inode: Inode, folio: Folio): void {
  if (folio.uptodate) return;
  inode.cache.markUptodate(folio);
  ctx.perBlock?.forget(folio);
  ctx.sink.emit({ type: 'folio_marked_uptodate', folio: folio.id });
}

/**
 * Take a folio out of the page cache, unmapped from every mapping first; free its blocks and
 * bytes. Mirrors: mm/truncate.c truncate_cleanup_folio() (unmap_mapping_folio()) + filemap_remove_folio().
 */
export function removeFolio(ctx: ShmemCtx, inode: Inode, folio: Folio): void {
  unmapMappingRange(inode, folio.index, folio.index + (1 << folio.order));
  inode.cache.remove(folio);
  inode.sb.usedBlocks -= 1 << folio.order;
  inode.content.clear(folioPos(folio), folioSize(folio));
  clearReclaimMark(inode, folio);
  // Per-block state: the bitmap of a partly uptodate folio goes with it.
  ctx.perBlock?.forget(folio);
  ctx.sink.emit({ type: 'folio_removed', folio: folio.id });
}

/**
 * Forget the model's reclaim mark of `folio` without emitting `folio_reclaim_cleared`: for an
 * event that leaves `reclaim-candidate` by itself (removed, split, zeroed). A later
 * `updateReclaimCandidate` marks it again if it still is the shrinker's target.
 */
export function clearReclaimMark(inode: Inode, folio: Folio): void {
  folio.reclaimMarked = false;
  if (inode.reclaimFolio === folio) inode.reclaimFolio = undefined;
}

/**
 * Zero `len` bytes of `folio` from byte `offset` within it (a partial punch or truncate) and
 * emit `folio_zeroed` with the first zeroed page. The lifecycle leaves `reclaim-candidate` for
 * `partially-punched` on this event, so the model's mark is dropped silently.
 * Mirrors: folio_zero_range().
 */
export function zeroFolioRange(ctx: ShmemCtx, inode: Inode, folio: Folio, offset: bigint, len: bigint): void {
  inode.content.clear(folioPos(folio) + offset, len);
  clearReclaimMark(inode, folio);
  ctx.sink.emit({ type: 'folio_zeroed', folio: folio.id, index: folio.index + Number(offset >> BigInt(PAGE_SHIFT)) });
}

/**
 * The folio the EOF shrinker would split for this inode: the large folio holding page
 * i_size >> PAGE_SHIFT, when the inode is on its shrinklist and `end` = max(ceil(i_size / 4 KiB),
 * fallocend) lies after its first page and before its end (kernel.md §3.6). Pure.
 * Divergence from kernel.md §11 "EOF shrinker skip": measured on 6.18, a folio starting at the
 * EOF page is split too when `end` lies inside it (i_size 0, `falloc -k 0 4k` on huge=always:
 * `reclaim` gives `0:0` and `2048kB.split +1`); the kernel tests only `end`, as here.
 * Mirrors: mm/shmem.c shmem_unused_huge_shrink() (its skip tests).
 */
export function shrinkerTarget(inode: Inode): Folio | undefined {
  if (!inode.sb.shrinklist.has(inode)) return undefined;
  const folio = inode.cache.lookup(Number(inode.iSize >> BigInt(PAGE_SHIFT)));
  if (!folio || folio.order === 0) return undefined;
  return shrinkGain(inode, folio.index, folio.order) === undefined ? undefined : folio;
}

/**
 * What the EOF shrinker gains from splitting the large folio (index, order) of `inode`:
 * max(EOF, fallocend) in pages when it lies inside the folio (everything after it is freed),
 * else undefined (nothing to gain). Pure. Mirrors: the `end` test of shmem_unused_huge_shrink().
 */
export function shrinkGain(inode: Inode, index: number, order: number): number | undefined {
  const end = Math.max(pagesCeil(inode.iSize), inode.fallocEnd);
  return end > index && end < index + 2 ** order ? end : undefined;
}

/**
 * Re-derive the inode's reclaim candidate (the EOF shrinker's) and emit the lifecycle marks
 * that changed; a folio the what-if policy holds as a candidate keeps its mark.
 */
export function updateReclaimCandidate(ctx: ShmemCtx, inode: Inode): void {
  const target = shrinkerTarget(inode);
  const old = inode.reclaimFolio;
  if (target === old) return;
  // A folio the what-if policy holds as a candidate keeps its mark, and is not marked twice.
  if (old && !ctx.policy.marksReclaim(old)) {
    old.reclaimMarked = false;
    ctx.sink.emit({ type: 'folio_reclaim_cleared', folio: old.id });
  }
  if (target && !target.reclaimMarked) {
    target.reclaimMarked = true;
    ctx.sink.emit({ type: 'folio_reclaim_marked', folio: target.id });
  }
  inode.reclaimFolio = target;
}
