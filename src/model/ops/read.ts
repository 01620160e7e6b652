import type { Inode } from '../inode.js';
import { fail } from '../errno.js';
import type { OpResult } from '../errno.js';
import { verifyArea } from './rw-checks.js';

/** The outcome of a read: the result and, on success, the bytes as runs. */
export interface ReadResult {
  readonly result: OpResult;
  /** `[offset, length, byte]` runs relative to the read position. */
  readonly data: ReadonlyArray<readonly [number, number, number]>;
}

/**
 * `pread(fd, buf, len, pos)`: copies what the page cache holds up to i_size; holes and
 * not-uptodate folios read as zeros, and a read never allocates. With per-block state, a partly
 * uptodate folio reads as its bytes: its uptodate pages hold their data, the others zeros
 * (per-block.ts). Pure.
 * @returns bytes read (short at EOF, 0 at or past it); EINVAL when the range overflows loff_t.
 * Mirrors: mm/shmem.c shmem_file_read_iter() (SGP_READ: no allocation).
 */
export function pread(inode: Inode, pos: bigint, len: bigint): ReadResult {
  const count = verifyArea(pos, len);
  if (count === 'EINVAL') return { result: fail('EINVAL', 'read range overflows loff_t'), data: [] };
  const avail = inode.iSize > pos ? inode.iSize - pos : 0n;
  const n = count < avail ? count : avail;
  return { result: { ok: true, ret: n }, data: inode.content.read(pos, n) };
}
