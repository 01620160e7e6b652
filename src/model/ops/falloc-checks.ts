import { MAX_LFS_FILESIZE } from '../arch.js';
import type { OpResult } from '../errno.js';
import { fail } from '../errno.js';

/**
 * The checks every fallocate mode passes before the filesystem sees it (the file is open for
 * writing, regular, not a swapfile). Pure.
 * @returns undefined to go on; EINVAL for a negative offset or a length ≤ 0; EFBIG when
 *   offset + len passes MAX_LFS_FILESIZE (or wraps).
 * Mirrors: fs/open.c vfs_fallocate().
 */
export function vfsFallocateChecks(pos: bigint, len: bigint): OpResult | undefined {
  if (pos < 0n || len <= 0n) return fail('EINVAL', 'fallocate needs offset ≥ 0 and len > 0');
  if (pos + len > MAX_LFS_FILESIZE) return fail('EFBIG', 'fallocate range passes MAX_LFS_FILESIZE');
  return undefined;
}
