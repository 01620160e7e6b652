import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { ok } from '../errno.js';
import type { Inode } from '../inode.js';
import type { Steps } from '../steps.js';
import { runToEnd } from '../steps.js';
import { shmemTruncateRange } from '../undo-range.js';
import { vfsFallocateChecks } from './falloc-checks.js';
import { pagesCeil } from '../units.js';
import { unmapMappingRange } from '../vma.js';

/**
 * `fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len)`, also reached by
 * `madvise(MADV_REMOVE)` once it has checked and rounded its range (kernel.md §3.1, §11).
 * Frees the page cache of [pos, pos + len): folios wholly inside are removed; partly covered
 * ones are zeroed over the range and split (kernel.md §3.2–§3.4); i_size never changes and the
 * range may lie past EOF (pieces past max(EOF, fallocend) go too). The range's whole pages are
 * published first, so that faults on them wait for the punch to end (kernel.md §7), then
 * unmapped from every mapping.
 * Steppable: yields `punch-published`, `punch-unmapped`, `punch-undo-folio` after each folio
 * of the undo loop, and `punch-clear` before it clears the published range.
 * @returns 0; EINVAL (pos < 0, len ≤ 0); EFBIG (pos + len past MAX_LFS_FILESIZE).
 * Mirrors: mm/shmem.c shmem_fallocate() (FALLOC_FL_PUNCH_HOLE) → shmem_truncate_range(pos, pos + len − 1).
 */
export function* fpunchSteps(ctx: ShmemCtx, inode: Inode, pos: bigint, len: bigint): Steps<OpResult> {
  const refused = vfsFallocateChecks(pos, len);
  if (refused) return refused;
  const first = pagesCeil(pos);
  const end = Number((pos + len) / 4096n);
  inode.punch = { start: first, next: end };
  if (ctx.stepping) yield 'punch-published';
  if (end > first) unmapMappingRange(inode, first, end);
  if (ctx.stepping) yield 'punch-unmapped';
  yield* shmemTruncateRange(ctx, inode, pos, pos + len - 1n);
  if (ctx.stepping) yield 'punch-clear';
  inode.punch = undefined;
  return ok();
}

/** {@link fpunchSteps} run to its end, nothing else running. */
export function fpunch(ctx: ShmemCtx, inode: Inode, pos: bigint, len: bigint): OpResult {
  return runToEnd(fpunchSteps(ctx, inode, pos, len));
}
