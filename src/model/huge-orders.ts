import { HPAGE_PMD_ORDER, MAX_PAGECACHE_ORDER } from './arch.js';
import type { Inode } from './inode.js';
import type { ThpSettings } from './settings.js';
import type { OrderMask } from './units.js';
import { highestOrder, nextOrder, NO_ORDERS, orderRange, pagesCeil, roundDown, roundUp } from './units.js';
import type { Vma } from './vma.js';
import { vmaAddress, vmaSuitableOrders } from './vma.js';

/** Every large order a file may use without a VMA: 1…MAX_PAGECACHE_ORDER. */
const ALL_FILE_ORDERS = orderRange(1, MAX_PAGECACHE_ORDER);
const PMD_ORDER_MASK = (1 << HPAGE_PMD_ORDER) as OrderMask;

/**
 * Reduce `orders` to those whose aligned block around `index` ends within
 * max(i_size, writeEnd): the first fitting order and every lower one. Pure.
 * Mirrors: mm/shmem.c shmem_get_orders_within_size().
 */
export function withinSizeOrders(inode: Inode, orders: OrderMask, index: number, writeEnd: bigint): OrderMask {
  const sizePages = pagesCeil(writeEnd > inode.iSize ? writeEnd : inode.iSize);
  let m = orders;
  for (let o = highestOrder(m); o >= 0; o = nextOrder(m, o)) {
    if (sizePages >= roundUp(index + 1, 1 << o)) return m;
    m = (m & ~(1 << o)) as OrderMask;
  }
  return NO_ORDERS;
}

/**
 * Orders the superblock's huge setting (or the global override) allows: every large order
 * without a VMA (write, fallocate), the PMD order only with one (faults). The internal mount
 * behind memfd, anon and SysV files reads the global knob's copy. `force` is MADV_COLLAPSE's
 * argument. Pure. Mirrors: mm/shmem.c shmem_huge_global_enabled().
 */
export function hugeGlobalEnabled(thp: ThpSettings, inode: Inode, index: number, writeEnd: bigint,
  vma?: Vma, force = false): OrderMask {
  if (thp.global === 'deny') return NO_ORDERS;
  if (thp.global === 'force' || force) return PMD_ORDER_MASK;
  const candidates = vma ? PMD_ORDER_MASK : ALL_FILE_ORDERS;
  const huge = inode.sb.kind === 'internal' ? thp.shmMntHuge : inode.sb.huge;
  switch (huge) {
    case 'always':
      return candidates;
    case 'within_size': {
      const fits = withinSizeOrders(inode, candidates, index, writeEnd);
      if (fits !== NO_ORDERS) return fits;
      return vma?.hugepage ? PMD_ORDER_MASK : NO_ORDERS; // falls through to advise
    }
    case 'advise':
      return vma?.hugepage ? PMD_ORDER_MASK : NO_ORDERS;
    case 'never':
      return NO_ORDERS;
  }
}

/**
 * Orders a lookup may allocate: with no VMA or a non-anon-shmem VMA the global orders; for an
 * anonymous-shmem VMA the per-size mask — always ∪ within_size that fits i_size ∪ advise with
 * VM_HUGEPAGE ∪ inherit when the global policy admits PMD here (kernel.md §2.1). Pure.
 * Mirrors: mm/shmem.c shmem_allowable_huge_orders().
 */
export function allowableOrders(thp: ThpSettings, inode: Inode, index: number, writeEnd: bigint,
  vma?: Vma, force = false): OrderMask {
  if (vma?.nohugepage) return NO_ORDERS;
  const global = hugeGlobalEnabled(thp, inode, index, writeEnd, vma, force);
  if (!vma || vma.kind !== 'anon') return global;
  if (thp.global === 'deny') return NO_ORDERS;
  const inherit = thp.ordersWith('inherit');
  if (thp.global === 'force') return inherit as OrderMask;
  let mask = thp.ordersWith('always') | withinSizeOrders(inode, thp.ordersWith('within_size') as OrderMask, index, 0n);
  if (vma.hugepage) mask |= thp.ordersWith('advise');
  if (global !== NO_ORDERS) mask |= inherit;
  return (mask & ALL_FILE_ORDERS) as OrderMask;
}

/**
 * Keep the highest order whose aligned range around `index` holds no folio (and, with a VMA,
 * that the VMA can map), and every lower order of `orders`. Pure.
 * Mirrors: mm/shmem.c shmem_suitable_orders().
 */
export function suitableOrders(inode: Inode, index: number, orders: OrderMask, vma?: Vma): OrderMask {
  let m = vma ? (vmaSuitableOrders(vma, vmaAddress(vma, index), orders) as OrderMask) : orders;
  for (let o = highestOrder(m); o >= 0; o = nextOrder(m, o)) {
    const nr = 1 << o;
    const start = roundDown(index, nr);
    if (!inode.cache.findFirst(start, start + nr)) return m;
    m = (m & ~(1 << o)) as OrderMask;
  }
  return NO_ORDERS;
}
