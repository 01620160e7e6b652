import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import { markUptodate } from '../folio-ops.js';
import { shmemGetFolio } from '../get-folio.js';
import { invariant } from '../errno.js';
import { pagePos } from '../units.js';
import type { Vma } from '../vma.js';

/**
 * A page fault on file page `index` through `vma` (read and write faults alike: a shared
 * mapping never maps the zero page for shmem). A hole is filled with a new folio sized by the
 * VMA's policy (§2.1–§2.3), zeroed and uptodate; an existing not-uptodate (fallocated) folio is
 * zeroed and marked uptodate.
 * @returns the folio mapped, or 'SIGBUS' for a page at or past EOF or a `size=` limit reached.
 * Mirrors: mm/shmem.c shmem_fault() → shmem_get_folio_gfp(SGP_CACHE, write_end 0).
 */
export function shmemFault(ctx: ShmemCtx, vma: Vma, index: number): Folio | 'SIGBUS' {
  const inode = vma.inode;
  if (pagePos(index) >= inode.iSize) return 'SIGBUS';
  const folio = shmemGetFolio(ctx, inode, index, 0n, 'cache', vma);
  // The size= limit refused even an order-0 folio (after the shrinker): SIGBUS (kernel.md §11).
  if (folio === 'ENOSPC') return 'SIGBUS';
  invariant(folio, 'a fault found no folio');
  markUptodate(ctx, folio);
  return folio;
}
