import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import { folioPos, folioSize } from '../folio.js';
import type { Inode } from '../inode.js';
import type { PerBlock } from '../policy/per-block.js';
import { pageOf, pagePos } from '../units.js';

/**
 * `lseek(fd, offset, SEEK_DATA | SEEK_HOLE)`. The granule is a whole folio: an uptodate folio
 * is data in its entirety, a not-uptodate one (fallocated) a hole, as shmem has no
 * is_partially_uptodate. EOF is always a hole. With per-block state (`perBlock`), a partly
 * uptodate folio is data in its uptodate pages and a hole in the others, page by page, as
 * is_partially_uptodate would make it. Pure.
 * @returns the offset; ENXIO when offset < 0, offset ≥ i_size, or no data follows (SEEK_DATA).
 * Mirrors: mm/filemap.c mapping_seek_hole_data(), folio_seek_hole_data().
 */
export function lseek(inode: Inode, whence: 'data' | 'hole', offset: bigint, perBlock?: PerBlock): OpResult {
  const end = inode.iSize;
  if (offset < 0n || offset >= end) return fail('ENXIO', 'offset outside the file');
  const seekData = whence === 'data';
  let start = offset;
  const maxIndex = pageOf(end - 1n);
  for (const folio of inode.cache.range(pageOf(offset), maxIndex + 1)) {
    const pos = folioPos(folio);
    if (start < pos) {
      if (!seekData) break;
      start = pos;
    }
    const next = pos + folioSize(folio);
    if (perBlock !== undefined && perBlock.isPartial(folio)) {
      const page = perBlock.findPage(folio, pageOf(start), seekData);
      if (page !== undefined) {
        const at = pagePos(page) > start ? pagePos(page) : start;
        return ok(at < end ? at : end);
      }
    } else if (folio.uptodate === seekData) return ok(start < end ? start : end);
    start = next;
    if (start >= end) break;
  }
  if (seekData) return fail('ENXIO', 'no data after offset');
  return ok(start < end ? start : end);
}
