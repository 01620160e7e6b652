import { HPAGE_PMD_ORDER, MAX_PAGECACHE_ORDER } from './arch.js';
import type { Inode } from './inode.js';
import type { ThpSettings } from './settings.js';
import type { OrderMask } from './units.js';
import { highestOrder, nextOrder, NO_ORDERS, orderRange, pagesCeil, roundDown, roundUp } from './units.js';

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
    if (sizePages >= roundUp(index + 1, 2 ** o)) return m;
    m = (m & ~(1 << o)) as OrderMask;
  }
  return NO_ORDERS;
}

/**
 * Orders the superblock's huge setting (or the global override) allows, without a VMA:
 * tmpfs write/fallocate, memfd and internal-mount writes. Pure.
 * Mirrors: mm/shmem.c shmem_huge_global_enabled() with vma == NULL.
 */
export function hugeGlobalEnabled(thp: ThpSettings, inode: Inode, index: number, writeEnd: bigint): OrderMask {
  if (thp.global === 'deny') return NO_ORDERS;
  if (thp.global === 'force') return PMD_ORDER_MASK;
  const huge = inode.sb.kind === 'internal' ? thp.shmMntHuge : inode.sb.huge;
  switch (huge) {
    case 'always':
      return ALL_FILE_ORDERS;
    case 'within_size':
      return withinSizeOrders(inode, ALL_FILE_ORDERS, index, writeEnd);
    case 'advise': // no VMA, so no VM_HUGEPAGE
    case 'never':
      return NO_ORDERS;
  }
}

/**
 * Keep the highest order whose aligned range around `index` holds no folio, and every lower
 * order of `orders`. Pure. Mirrors: mm/shmem.c shmem_suitable_orders() (no VMA).
 */
export function suitableOrders(inode: Inode, index: number, orders: OrderMask): OrderMask {
  let m = orders;
  for (let o = highestOrder(m); o >= 0; o = nextOrder(m, o)) {
    const nr = 2 ** o;
    const start = roundDown(index, nr);
    if (!inode.cache.findFirst(start, start + nr)) return m;
    m = (m & ~(1 << o)) as OrderMask;
  }
  return NO_ORDERS;
}
