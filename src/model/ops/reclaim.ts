import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { ok } from '../errno.js';
import { updateReclaimCandidate } from '../folio-ops.js';
import type { Inode, Superblock } from '../inode.js';
import { unusedHugeShrink } from '../shrinker.js';

/**
 * `echo 2 > /proc/sys/vm/drop_caches`: every shmem superblock's shrinker runs once over its
 * whole shrinklist, with no page target (each tmpfs mount, and the internal one behind memfd,
 * anonymous and SysV memory). Then every inode's reclaim mark is re-derived.
 * Divergence: the kernel repeats drop_slab() while a pass frees more than 10 objects and
 * hands each superblock a scan count derived from its dentry and inode caches; the model runs
 * one unbounded pass, which frees the same EOF folios (a pinned one would be retried there).
 * Then the what-if policy reclaims what it holds (`Policy.reclaim`; nothing under 6.18).
 * @returns 0.
 * Mirrors: mm/shmem.c shmem_unused_huge_scan() → shmem_unused_huge_shrink(sbinfo, sc, 0).
 */
export function reclaim(ctx: ShmemCtx, superblocks: readonly Superblock[], inodes: readonly Inode[]): OpResult {
  for (const sb of superblocks) unusedHugeShrink(ctx, sb, 0, undefined, Number.MAX_SAFE_INTEGER);
  // What-if: the policy's own candidates (flag-reclaim retries the splits punches could not do).
  ctx.policy.reclaim(ctx);
  for (const inode of inodes) updateReclaimCandidate(ctx, inode);
  return ok();
}
