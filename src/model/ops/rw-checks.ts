import { MAX_LFS_FILESIZE } from '../arch.js';

/**
 * The check every pread/pwrite passes first: a negative position, or a range whose end
 * overflows loff_t, is EINVAL. Pure.
 * Divergence: one kernel call moves at most MAX_RW_COUNT (2 GiB − 4 KiB) bytes; a script's
 * `pwrite`/`pread`, like xfs_io's, issues as many calls as LEN needs, cut at 2 MiB-aligned file
 * offsets, so each copy chunk (and its write_end) is what one call would see. The model
 * therefore moves all LEN bytes at once.
 * @returns the count, or 'EINVAL'.
 * Mirrors: fs/read_write.c rw_verify_area().
 */
export function verifyArea(pos: bigint, len: bigint): bigint | 'EINVAL' {
  if (pos < 0n || len < 0n || pos + len > MAX_LFS_FILESIZE) return 'EINVAL';
  return len;
}
