import { PAGE_SHIFT } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, invariant, ok } from '../errno.js';
import { folioNextIndex } from '../folio.js';
import { shmemGetFolio } from '../get-folio.js';
import type { Inode } from '../inode.js';
import { shmemUndoRange } from '../undo-range.js';
import { pagePos, pagesCeil } from '../units.js';
import { vfsFallocateChecks } from './falloc-checks.js';

/**
 * `fallocate(fd, 0 | FALLOC_FL_KEEP_SIZE, pos, len)` (kernel.md §5, §11). Walks the pages
 * [floor(pos / 4 KiB), ceil((pos + len) / 4 KiB)): a hole gets a new folio sized by the huge
 * setting with `write_end = pos + len` (KEEP_SIZE too), left not uptodate and unzeroed, and
 * the walk jumps to that folio's end, so one large folio may cover pages outside the range; a
 * not-uptodate folio met again is zeroed and marked uptodate; uptodate ones stay. fallocend
 * becomes max(fallocend, end) first, protecting KEEP_SIZE folios past EOF from split trims
 * and the EOF shrinker. Without KEEP_SIZE, i_size grows to pos + len at the end.
 * With a `size=` limit, a range of more pages than the limit fails up front; an allocation
 * that still finds no room (after the EOF shrinker, and at order 0) restores fallocend and
 * undoes the walk so far in "unfalloc" mode (kernel.md §11): the not-uptodate folios wholly in
 * [start, index) go, a large one reaching out of it is zeroed and split; the `shmem_alloc`
 * counts stay.
 * @returns 0; EINVAL (pos < 0, len ≤ 0); EFBIG (pos + len past MAX_LFS_FILESIZE); ENOSPC.
 * Mirrors: mm/shmem.c shmem_fallocate() (allocating modes).
 */
export function fallocate(ctx: ShmemCtx, inode: Inode, keepSize: boolean, pos: bigint, len: bigint): OpResult {
  const refused = vfsFallocateChecks(pos, len);
  if (refused) return refused;
  const writeEnd = pos + len;
  const start = Number(pos >> BigInt(PAGE_SHIFT));
  const end = pagesCeil(writeEnd);
  // "Try to avoid a swapstorm if len is impossible to satisfy."
  const maxBlocks = inode.sb.maxBlocks;
  if (maxBlocks !== 0 && end - start > maxBlocks) return fail('ENOSPC', 'the range exceeds the size= limit');
  const undoFallocEnd = inode.fallocEnd;
  if (inode.fallocEnd < end) inode.fallocEnd = end;
  for (let index = start; index < end;) {
    const folio = shmemGetFolio(ctx, inode, index, writeEnd, 'falloc');
    if (folio === 'ENOSPC') {
      inode.fallocEnd = undoFallocEnd;
      // Remove the not-uptodate folios this call added.
      if (index > start) shmemUndoRange(ctx, inode, pagePos(start), pagePos(index) - 1n, true);
      return fail('ENOSPC', `no room for page ${index} under the size= limit`);
    }
    invariant(folio, 'SGP_FALLOC found no folio');
    index = folioNextIndex(folio);
  }
  if (!keepSize && writeEnd > inode.iSize) {
    inode.iSize = writeEnd;
    ctx.sink.emit({ type: 'i_size_changed', file: inode.id, size: writeEnd });
  }
  return ok();
}
