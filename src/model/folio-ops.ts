import { PAGE_SHIFT } from './arch.js';
import type { ShmemCtx } from './context.js';
import { InvariantError, UnsupportedError } from './errno.js';
import type { Folio } from './folio.js';
import { folioNextIndex, folioPos, folioSize } from './folio.js';
import type { Inode } from './inode.js';
import type { FolioId } from './units.js';
import { pagesCeil } from './units.js';

/**
 * Charge `nrPages` to the superblock's block limit.
 * Divergence: reaching a `size=` limit (ENOSPC, the EOF shrinker, order-0 retry) belongs to a
 * later slice; until then it stops the run as unsupported rather than guessing.
 * Mirrors: mm/shmem.c shmem_inode_acct_blocks().
 */
function acctBlocks(inode: Inode, nrPages: number): void {
  const sb = inode.sb;
  if (sb.maxBlocks !== 0 && sb.usedBlocks + nrPages > sb.maxBlocks) {
    throw new UnsupportedError('the size= limit');
  }
  sb.usedBlocks += nrPages;
}

/**
 * Put a new folio of `order` at `index` (aligned) into the page cache and emit `folio_added`.
 * Mirrors: shmem_alloc_folio() + shmem_add_to_page_cache().
 */
export function addFolio(ctx: ShmemCtx, inode: Inode, index: number, order: number,
  cause: 'alloc' | 'split' | 'collapse', parent: FolioId | null): Folio {
  if (index % 2 ** order !== 0) throw new InvariantError(`folio at ${index} is not aligned to order ${order}`);
  if (cause === 'alloc') acctBlocks(inode, 2 ** order);
  const folio: Folio = { id: ctx.nextFolioId(), file: inode.id, index, order, uptodate: false, pins: 0, reclaimMarked: false };
  inode.cache.add(folio);
  ctx.sink.emit({ type: 'folio_added', folio: folio.id, file: inode.id, index, order, parent, cause });
  return folio;
}

/** Mark the whole folio uptodate (its content is already zero where nothing was written). */
export function markUptodate(ctx: ShmemCtx, folio: Folio): void {
  if (folio.uptodate) return;
  folio.uptodate = true;
  ctx.sink.emit({ type: 'folio_marked_uptodate', folio: folio.id });
}

/** Take a folio out of the page cache, free its blocks and bytes. Mirrors: filemap_remove_folio(). */
export function removeFolio(ctx: ShmemCtx, inode: Inode, folio: Folio): void {
  inode.cache.remove(folio);
  inode.sb.usedBlocks -= 2 ** folio.order;
  inode.content.clear(folioPos(folio), folioSize(folio));
  if (inode.reclaimFolio === folio) inode.reclaimFolio = undefined;
  ctx.sink.emit({ type: 'folio_removed', folio: folio.id });
}

/**
 * The folio the EOF shrinker would split for this inode: the large folio holding page
 * i_size >> PAGE_SHIFT, when the inode is on its shrinklist and the folio reaches past
 * max(EOF, fallocend) but starts before EOF (kernel.md §3.6, §11). Pure.
 * Mirrors: mm/shmem.c shmem_unused_huge_shrink() (its skip tests).
 */
export function shrinkerTarget(inode: Inode): Folio | undefined {
  if (!inode.sb.shrinklist.has(inode)) return undefined;
  const eofIndex = Number(inode.iSize >> BigInt(PAGE_SHIFT));
  const folio = inode.cache.lookup(eofIndex);
  if (!folio || folio.order === 0 || eofIndex <= folio.index) return undefined;
  const end = Math.max(pagesCeil(inode.iSize), inode.fallocEnd);
  if (end <= folio.index || end >= folioNextIndex(folio)) return undefined;
  return folio;
}

/** Re-derive the inode's reclaim candidate and emit the lifecycle marks that changed. */
export function updateReclaimCandidate(ctx: ShmemCtx, inode: Inode): void {
  const target = shrinkerTarget(inode);
  const old = inode.reclaimFolio;
  if (target === old) return;
  if (old) {
    old.reclaimMarked = false;
    ctx.sink.emit({ type: 'folio_reclaim_cleared', folio: old.id });
  }
  if (target) {
    target.reclaimMarked = true;
    ctx.sink.emit({ type: 'folio_reclaim_marked', folio: target.id });
  }
  inode.reclaimFolio = target;
}
