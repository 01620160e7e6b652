import type { ShmemCtx } from './context.js';
import type { Folio } from './folio.js';
import { folioNextIndex } from './folio.js';
import { allowableOrders, suitableOrders, withinSizeOrders } from './huge-orders.js';
import { HPAGE_PMD_ORDER } from './arch.js';
import type { Inode } from './inode.js';
import { acctBlocks, addFolio, markUptodate } from './folio-ops.js';
import { allocationDecision } from './order-chain.js';
import { clearNotUptodate } from './policy/per-block.js';
import { unusedHugeShrink } from './shrinker.js';
import type { OrderMask } from './units.js';
import { highestOrder, NO_ORDERS, orderRange, pagesCeil, roundDown } from './units.js';
import type { Vma } from './vma.js';

/** Lookup mode. Mirrors: enum sgp_type. */
export type Sgp = 'read' | 'noalloc' | 'cache' | 'write' | 'falloc';

/**
 * Charge a new folio of `order` at `index` to the `size=` limit; on failure run the EOF
 * shrinker of the superblock for that many pages (the folio, locked in the kernel's page
 * cache by then, is in its way) and retry once (kernel.md §2.3 step 6).
 * @returns true when charged; false for ENOSPC.
 * Mirrors: the shmem_inode_acct_blocks() retry in mm/shmem.c shmem_alloc_and_add_folio().
 */
function acctBlocksOrShrink(ctx: ShmemCtx, inode: Inode, index: number, order: number): boolean {
  const nrPages = 1 << order;
  if (acctBlocks(inode, nrPages)) return true;
  unusedHugeShrink(ctx, inode.sb, nrPages, { inode, index, order });
  return acctBlocks(inode, nrPages);
}

/**
 * Allocate a folio for `index` from `orders` (highest first, PMD tried first), falling back to
 * order 0 when no large order is suitable, or when the large folio does not fit the `size=`
 * limit even after the EOF shrinker ran (then no smaller large order is tried, and nothing is
 * counted). Allocation itself never fails in the model (no memory pressure is simulated), so
 * the fallback counters stay unmoved.
 * @returns the folio; 'ENOSPC' when not even order 0 fits the `size=` limit.
 * Mirrors: mm/shmem.c shmem_alloc_and_add_folio(), which shmem_get_folio_gfp() calls with the
 * huge orders and then with order 0.
 */
export function allocAndAddFolio(ctx: ShmemCtx, inode: Inode, index: number, orders: OrderMask,
  vma?: Vma): Folio | 'ENOSPC' {
  const order = highestOrder(suitableOrders(inode, index, orders, vma));
  if (order > 0) {
    const at = roundDown(index, 1 << order);
    if (acctBlocksOrShrink(ctx, inode, at, order)) {
      const folio = addFolio(ctx, inode, at, order, 'alloc', null);
      ctx.stats.count(order, 'shmem_alloc');
      // Part of the large folio lies beyond i_size: subject to the EOF shrinker.
      if (pagesCeil(inode.iSize) < folioNextIndex(folio)) inode.sb.shrinklist.add(inode);
      return folio;
    }
  }
  // No suitable large order (the huge attempt is skipped, no stats), or ENOSPC: order 0.
  if (!acctBlocksOrShrink(ctx, inode, index, 0)) return 'ENOSPC';
  return addFolio(ctx, inode, index, 0, 'alloc', null);
}

/**
 * Find the folio holding page `index`, allocating one for `write`/`cache`/`falloc` lookups of a
 * hole. `writeEnd` is the byte end of the current write chunk (0n for faults and reads); `vma`
 * is the faulting VMA (none for write/fallocate: the superblock's huge setting decides).
 * A not-uptodate (fallocated) folio is a hole to `read`; `noalloc`, `cache` and `falloc` zero
 * it and mark it uptodate (a second fallocate makes the range data, kernel.md §5); `write`
 * leaves it to write_end. A new folio is uptodate (zeroed) for `cache`, and stays not uptodate for
 * `write` (write_end marks it) and `falloc`.
 * @returns the folio; undefined for a hole under `read`/`noalloc`; 'ENOSPC' when the `size=`
 *   limit refuses even an order-0 folio.
 * Mirrors: mm/shmem.c shmem_get_folio_gfp().
 */
export function shmemGetFolio(ctx: ShmemCtx, inode: Inode, index: number, writeEnd: bigint, sgp: Sgp,
  vma?: Vma): Folio | undefined | 'ENOSPC' {
  const found = inode.cache.lookup(index);
  if (found) return foundFolio(ctx, inode, found, sgp);
  if (sgp === 'read' || sgp === 'noalloc') return undefined;
  return newFolio(ctx, inode, index, writeEnd, sgp, vma);
}

/**
 * shmem_get_folio_gfp() on a folio the lookup found: a not-uptodate one is a hole to `read`,
 * zeroed and marked uptodate for `noalloc`, `cache` and `falloc`, left to write_end for `write`.
 * With per-block state, only its pages that are not uptodate are zeroed (`clearNotUptodate`).
 * @returns the folio, or undefined for `read` of a not-uptodate one.
 */
export function foundFolio(ctx: ShmemCtx, inode: Inode, found: Folio, sgp: Sgp): Folio | undefined {
  if (found.uptodate || sgp === 'write') return found;
  if (sgp === 'read') return undefined;
  // `clear:` a not-uptodate folio's content is already zero in the model.
  if (ctx.perBlock !== undefined) clearNotUptodate(ctx, inode, found, sgp === 'cache');
  markUptodate(ctx, inode, found);
  return found;
}

/**
 * shmem_get_folio_gfp() on a hole, for `write`, `cache` or `falloc`: allocate from the orders
 * the controls allow (§2); `cache` zeroes the new folio and marks it uptodate.
 * @returns the folio, or 'ENOSPC' when the `size=` limit refuses even an order-0 folio.
 */
export function newFolio(ctx: ShmemCtx, inode: Inode, index: number, writeEnd: bigint, sgp: 'write' | 'cache' | 'falloc',
  vma?: Vma): Folio | 'ENOSPC' {
  // Bug switch `fault-size-hint`: a fault takes every order up to PMD whose block fits under i_size.
  const orders = vma && sgp === 'cache' && ctx.bugs.faultSizeHint
    ? withinSizeOrders(inode, orderRange(1, HPAGE_PMD_ORDER), index, 0n)
    : allowableOrders(ctx.thp, inode, index, writeEnd, vma);
  const decisions = ctx.decisions;
  // Only with a DecisionSink attached: the conflict check as it stood before the allocation.
  const suitable = decisions ? suitableOrders(inode, index, orders, vma) : NO_ORDERS;
  const folio = allocAndAddFolio(ctx, inode, index, orders, vma);
  if (decisions) {
    const got = folio === 'ENOSPC' ? undefined : folio;
    decisions.decide(allocationDecision(ctx.thp, inode, index, writeEnd, sgp, orders, suitable, vma, got));
  }
  // SGP_CACHE clears a new folio and marks it uptodate; SGP_FALLOC takes SGP_WRITE's shortcut.
  if (folio !== 'ENOSPC' && sgp === 'cache') markUptodate(ctx, inode, folio);
  return folio;
}
