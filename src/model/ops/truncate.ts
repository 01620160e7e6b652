import { MAX_LFS_FILESIZE, PAGE_SIZE_N } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok, UnsupportedError } from '../errno.js';
import { folioPos } from '../folio.js';
import { removeFolio } from '../folio-ops.js';
import type { Inode } from '../inode.js';
import { pageOf, pagesCeil } from '../units.js';

/**
 * `ftruncate(fd, size)`. Growing only moves i_size. Shrinking writes i_size first, then
 * removes every folio wholly at or past ceil(size / 4 KiB) and zeroes the tail of the page
 * holding the new EOF.
 * Divergence: a new EOF inside a large folio needs a split (truncate_inode_partial_folio with
 * folio_split), modelled by a later slice; until then it stops the run as unsupported.
 * @returns 0; EINVAL for a negative size; EFBIG above MAX_LFS_FILESIZE.
 * Mirrors: mm/shmem.c shmem_setattr() → shmem_truncate_range(size, -1) → shmem_undo_range().
 */
export function truncate(ctx: ShmemCtx, inode: Inode, size: bigint): OpResult {
  if (size < 0n) return fail('EINVAL', 'negative size');
  if (size > MAX_LFS_FILESIZE) return fail('EFBIG', 'size above MAX_LFS_FILESIZE');
  const oldSize = inode.iSize;
  inode.iSize = size;
  if (size !== oldSize) ctx.sink.emit({ type: 'i_size_changed', file: inode.id, size });
  if (size >= oldSize) return ok();
  const start = pagesCeil(size);
  // The folio holding byte `size` when the new EOF is not page aligned (looked up before the
  // whole-folio removal, as shmem_undo_range's partial step concerns the same folio).
  const partial = size % PAGE_SIZE_N !== 0n ? inode.cache.lookup(pageOf(size)) : undefined;
  if (partial && partial.order > 0) throw new UnsupportedError('truncate through a large folio');
  for (const folio of [...inode.cache.range(start)]) {
    if (folio.index < start) throw new UnsupportedError('truncate through a large folio');
    removeFolio(ctx, inode, folio);
  }
  if (partial) {
    // truncate_inode_partial_folio() on an order-0 folio: zero the bytes past EOF, keep it.
    inode.content.clear(size, folioPos(partial) + PAGE_SIZE_N - size);
    ctx.sink.emit({ type: 'folio_zeroed', folio: partial.id, index: partial.index });
  }
  return ok();
}
