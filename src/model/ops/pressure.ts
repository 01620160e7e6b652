import { PAGE_SHIFT } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { Inode, Superblock } from '../inode.js';
import { unusedHugeShrink } from '../shrinker.js';

/** Pages resident in every file's page cache. Pure. */
export function residentPages(inodes: readonly Inode[]): number {
  let n = 0;
  for (const f of inodes) n += f.cache.nrPages;
  return n;
}

/**
 * Memory pressure (issue 10, model-only: `memory LIMIT`): when the pages resident in every
 * file's page cache, × 4 KiB, pass `limit` bytes after a command, reclaim as the kernel's
 * would, each step only while still over: the shmem shrinker of every superblock, asked for
 * the excess (EOF folios split, what lies past max(EOF, fallocend) freed), then the what-if
 * policy's own reclaim (`flag-reclaim` candidates), then its scanner (`zeropage-scan`). The
 * caller re-derives the reclaim marks.
 * Divergence: the kernel would also write shmem pages to swap; the model has no swap, so what
 * these steps cannot free stays resident over the limit.
 * @returns the pages freed.
 */
export function relievePressure(ctx: ShmemCtx, superblocks: readonly Superblock[], inodes: readonly Inode[], limit: bigint): number {
  const limitPages = Number(limit >> BigInt(PAGE_SHIFT));
  const start = residentPages(inodes);
  const over = () => residentPages(inodes) > limitPages;
  if (!over()) return 0;
  for (const sb of superblocks) {
    if (!over()) break;
    unusedHugeShrink(ctx, sb, residentPages(inodes) - limitPages, undefined, Number.MAX_SAFE_INTEGER);
  }
  if (over()) ctx.policy.reclaim(ctx);
  if (over()) ctx.policy.scan(ctx, inodes);
  return start - residentPages(inodes);
}
