import { MAX_LFS_FILESIZE } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import type { Inode } from '../inode.js';
import { runToEnd } from '../steps.js';
import { shmemTruncateRange } from '../undo-range.js';
import { pagesCeil } from '../units.js';
import { unmapMappingRange } from '../vma.js';

/**
 * `ftruncate(fd, size)`. i_size is written first; then, unless the file grew, the page cache
 * from byte `size` on is truncated (kernel.md §3.1–§3.4): whole folios past it removed, the
 * folio holding it zeroed from `size` and, when large, split around the new EOF page with the
 * pieces past max(EOF, fallocend) dropped; a failed split leaves the folio whole. Truncating to
 * the current size runs the same (measured: a 4K file holding `0:9` becomes `0:0`). Growing
 * allocates nothing.
 * @returns 0; EINVAL for a negative size; EFBIG above MAX_LFS_FILESIZE.
 * Mirrors: fs/open.c do_sys_ftruncate(), mm/shmem.c shmem_setattr() → shmem_truncate_range(size, -1).
 */
export function truncate(ctx: ShmemCtx, inode: Inode, size: bigint): OpResult {
  if (size < 0n) return fail('EINVAL', 'negative size');
  if (size > MAX_LFS_FILESIZE) return fail('EFBIG', 'size above MAX_LFS_FILESIZE');
  const oldSize = inode.iSize;
  if (size !== oldSize) {
    inode.iSize = size;
    ctx.sink.emit({ type: 'i_size_changed', file: inode.id, size });
  }
  // shmem_setattr(): `if (oldsize > holebegin) unmap_mapping_range(holebegin, 0)`.
  if (oldSize > BigInt(pagesCeil(size)) * 4096n) unmapMappingRange(inode, pagesCeil(size), Number.MAX_SAFE_INTEGER);
  // `if (info->alloced)`: nothing to truncate without pages (fallocend stays, too).
  if (size <= oldSize && inode.cache.nrPages > 0) runToEnd(shmemTruncateRange(ctx, inode, size, -1n));
  return ok();
}
