import { MAX_LFS_FILESIZE, PAGE_SHIFT, PAGE_SIZE } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, invariant, ok } from '../errno.js';
import type { Folio } from '../folio.js';
import { folioNextIndex, folioPos, folioSize } from '../folio.js';
import { markUptodate } from '../folio-ops.js';
import { shmemGetFolio } from '../get-folio.js';
import type { Inode } from '../inode.js';
import { writeEndBlocks } from '../policy/per-block.js';
import { pageOf } from '../units.js';
import { verifyArea } from './rw-checks.js';

const CHUNK_LARGE = 2n * 1024n * 1024n;
const CHUNK_SMALL = 4096n;

/** `bytes` from `at`, cut at the end of `folio`. Pure. */
function clampToFolio(folio: Folio, at: bigint, bytes: bigint): bigint {
  const next = folioNextIndex(folio);
  // The folio's end as a number while exact: no bigint to allocate for the common case.
  if (next < 2 ** (53 - PAGE_SHIFT)) {
    const folioEnd = next * PAGE_SIZE;
    return at + bytes > folioEnd ? BigInt(folioEnd) - at : bytes;
  }
  const folioEnd = folioPos(folio) + folioSize(folio);
  return at + bytes > folioEnd ? folioEnd - at : bytes;
}

/**
 * `pwrite(fd, buf of len bytes of byte, len, pos)`. Copies chunk by chunk as
 * generic_perform_write() does: a chunk is 2 MiB for an inode with the large-folio flag, else
 * one page, cut at chunk-aligned boundaries; each chunk looks its folio up with
 * `write_end = pos + chunk` and is clamped to that folio. i_size grows per chunk, which the
 * within_size rule of the next chunk sees. With per-block state, a write into a not-uptodate
 * large folio marks only the pages it wrote uptodate (per-block.ts `writeEndBlocks`).
 * @returns bytes written (fewer when the `size=` limit stops it); EINVAL (range overflows
 *   loff_t), EFBIG (pos ≥ MAX_LFS_FILESIZE), ENOSPC (not one byte fits the `size=` limit).
 * Mirrors: mm/filemap.c generic_perform_write(), mm/shmem.c shmem_write_begin()/shmem_write_end().
 */
export function pwrite(ctx: ShmemCtx, inode: Inode, byte: number, pos: bigint, len: bigint): OpResult {
  const count = verifyArea(pos, len);
  if (count === 'EINVAL') return fail('EINVAL', 'write range overflows loff_t');
  if (count === 0n) return ok(0n);
  if (pos >= MAX_LFS_FILESIZE) return fail('EFBIG', 'write at MAX_LFS_FILESIZE');
  const end = pos + count;
  const chunk = inode.largeFolios ? CHUNK_LARGE : CHUNK_SMALL;
  const oldSize = inode.iSize;
  let at = pos;
  while (at < end) {
    const left = end - at;
    const room = chunk - (at & (chunk - 1n));
    const bytes = left < room ? left : room;
    const folio = shmemGetFolio(ctx, inode, pageOf(at), at + bytes, 'write');
    if (folio === 'ENOSPC') break;
    invariant(folio, 'write_begin found no folio');
    const copied = clampToFolio(folio, at, bytes);
    inode.content.fill(at, copied, byte);
    if (!folio.uptodate) {
      // shmem_write_end(): the rest of a new folio is zeroed and the whole folio marked
      // uptodate; with per-block state, only the pages written to a large one.
      if (ctx.perBlock !== undefined && folio.order > 0) writeEndBlocks(ctx, inode, folio, at, copied);
      else markUptodate(ctx, inode, folio);
    }
    at += copied;
    if (at > inode.iSize) inode.iSize = at;
  }
  if (inode.iSize !== oldSize) ctx.sink.emit({ type: 'i_size_changed', file: inode.id, size: inode.iSize });
  // write_begin failed (the size= limit): the bytes copied before it, or the error.
  if (at < end) return at === pos ? fail('ENOSPC', 'the size= limit is reached') : ok(at - pos);
  return ok(count);
}
