import type { ShmemCtx } from './context.js';
import type { Folio } from './folio.js';
import { folioNextIndex } from './folio.js';
import { allowableOrders, suitableOrders } from './huge-orders.js';
import type { Inode } from './inode.js';
import { addFolio } from './folio-ops.js';
import type { OrderMask } from './units.js';
import { highestOrder, pagesCeil, roundDown } from './units.js';
import type { Vma } from './vma.js';

/** Lookup mode. Mirrors: enum sgp_type. */
export type Sgp = 'read' | 'noalloc' | 'cache' | 'write' | 'falloc';

/**
 * Allocate a folio for `index` from `orders` (highest first, PMD tried first), falling back to
 * order 0 when no large order is suitable. Allocation itself never fails in the model (no
 * memory pressure is simulated), so the fallback counters only move with a later slice.
 * Mirrors: mm/shmem.c shmem_alloc_and_add_folio().
 */
export function allocAndAddFolio(ctx: ShmemCtx, inode: Inode, index: number, orders: OrderMask, vma?: Vma): Folio {
  // No suitable large order: the huge attempt is skipped (no stats) and order 0 allocated.
  const order = Math.max(highestOrder(suitableOrders(inode, index, orders, vma)), 0);
  const folio = addFolio(ctx, inode, roundDown(index, 2 ** order), order, 'alloc', null);
  if (order > 0) {
    ctx.stats.count(order, 'shmem_alloc');
    // Part of the large folio lies beyond i_size: subject to the EOF shrinker.
    if (pagesCeil(inode.iSize) < folioNextIndex(folio)) inode.sb.shrinklist.add(inode);
  }
  return folio;
}

/**
 * Find the folio holding page `index`, allocating one for `write`/`cache`/`falloc` lookups of a
 * hole. `writeEnd` is the byte end of the current write chunk (0n for faults and reads); `vma`
 * is the faulting VMA (none for write/fallocate: the superblock's huge setting decides).
 * @returns the folio, or undefined for a hole under `read`/`noalloc`.
 * Mirrors: mm/shmem.c shmem_get_folio_gfp().
 */
export function shmemGetFolio(ctx: ShmemCtx, inode: Inode, index: number, writeEnd: bigint, sgp: Sgp,
  vma?: Vma): Folio | undefined {
  const folio = inode.cache.lookup(index);
  if (folio || sgp === 'read' || sgp === 'noalloc') return folio;
  return allocAndAddFolio(ctx, inode, index, allowableOrders(ctx.thp, inode, index, writeEnd, vma), vma);
}
