import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import { markUptodate } from '../folio-ops.js';
import { shmemGetFolio } from '../get-folio.js';
import { invariant } from '../errno.js';
import { pagePos, pagesCeil } from '../units.js';
import type { Mapping, Vma } from '../vma.js';
import { vmaAddress, vmaSuitableOrders } from '../vma.js';
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from '../arch.js';

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
  markUptodate(ctx, inode, folio);
  return folio;
}

/**
 * An access to file page `index` through mapping `m`: a page whose page-table entry is present
 * takes no fault — even past EOF: shmem maps large folios across i_size (kernel.md §7). Else:
 * - a read first faults around its 64 KiB-aligned window (see `faultAround`; not through
 *   SysV's shm_vm_ops, which has no map_pages). If that mapped the page, no fault;
 * - otherwise it faults ({@link shmemFault}: SIGBUS past EOF), and the fault maps a PMD-sized
 *   folio with a PMD when the VMA can map it aligned and the PMD entry is empty; else the whole
 *   large folio with PTEs when it lies inside the VMA and one page table and none of its PTEs
 *   is present (not through shm_vm_ops, which is not vma_is_shmem()); else this page alone.
 * @returns the folio of the page, or 'SIGBUS'.
 * Mirrors: mm/gup.c follow_page_mask() / faultin_page(), mm/memory.c do_read_fault() →
 *   do_fault_around() → mm/filemap.c filemap_map_pages(); do_shared_fault() → finish_fault().
 */
export function accessPage(ctx: ShmemCtx, m: Mapping, vma: Vma, index: number, write: boolean): Folio | 'SIGBUS' {
  const cache = vma.inode.cache;
  if (m.mapped.has(index) && cache.lookup(index)) return cache.lookup(index)!;
  if (!write && vma.kind !== 'sysv') {
    faultAround(m, vma, index);
    if (m.mapped.has(index)) return cache.lookup(index)!;
  }
  const folio = shmemFault(ctx, vma, index);
  if (folio === 'SIGBUS') return folio;
  const nr = 2 ** folio.order;
  const addr = vmaAddress(vma, index);
  const idx = index - folio.index;
  const vmaOff = addr - vma.start;
  const pteOff = addr % HPAGE_PMD_NR;
  if (mapPmd(m, vma, folio, addr)) return folio;
  const fits = vmaOff >= idx && vmaOff + (nr - idx) <= vma.end - vma.start && pteOff >= idx && pteOff + (nr - idx) <= HPAGE_PMD_NR;
  const pages = Array.from({ length: nr }, (_, i) => folio.index + i);
  const whole = nr > 1 && vma.kind !== 'sysv' && fits && pages.every((p) => !m.mapped.has(p));
  for (const p of whole ? pages : [index]) m.mapped.add(p);
  m.tables.add(Math.floor(addr / HPAGE_PMD_NR));
  return folio;
}

/**
 * Map a PMD-sized folio with a PMD at virtual page `addr` when the VMA can map it aligned and
 * the PMD entry is empty. @returns true when mapped. Mirrors: mm/memory.c do_set_pmd().
 */
function mapPmd(m: Mapping, vma: Vma, folio: Folio, addr: number): boolean {
  if (folio.order !== HPAGE_PMD_ORDER || tableInUse(m, folio, addr)) return false;
  if ((vmaSuitableOrders(vma, addr, 1 << HPAGE_PMD_ORDER) & (1 << HPAGE_PMD_ORDER)) === 0) return false;
  for (let i = 0; i < HPAGE_PMD_NR; i++) m.mapped.add(folio.index + i);
  return true;
}

/**
 * True when the PTE table over the 2 MiB block of virtual page `addr` still maps a page of
 * `folio`'s range. A table whose entries were all zapped does not keep a PMD out (measured on
 * SysV: after the PTE-mapped pages of a block were truncated or punched away, one fault on a
 * PMD folio there maps it whole, so pages past EOF in it pin and take no SIGBUS; corpus 730).
 */
function tableInUse(m: Mapping, folio: Folio, addr: number): boolean {
  if (!m.tables.has(Math.floor(addr / HPAGE_PMD_NR))) return false;
  for (let p = folio.index; p < folio.index + HPAGE_PMD_NR; p++) if (m.mapped.has(p)) return true;
  return false;
}

/** Pages a read faults around: fault_around_bytes (64 KiB). */
const FAULT_AROUND_PAGES = 16;

/**
 * Map the cached uptodate pages of the fault-around window of file page `index`, up to the EOF
 * page: the first folio found goes in with a PMD when it is PMD-sized and can (shmem: across
 * i_size too); a large folio that lies inside the VMA and one page table is mapped whole, past
 * EOF too (shmem may map large folios across i_size); of others, the window's pages up to EOF.
 * Mirrors: mm/memory.c do_fault_around() → mm/filemap.c filemap_map_pages() (end_pgoff clipped
 * to the EOF page, filemap_map_pmd(), filemap_map_folio_range() mapping the entire folio).
 */
function faultAround(m: Mapping, vma: Vma, index: number): void {
  const addr = vmaAddress(vma, index);
  const pteOff = addr % HPAGE_PMD_NR;
  const vmaOff = addr - vma.start;
  const from = Math.max(pteOff - (pteOff % FAULT_AROUND_PAGES), pteOff - Math.min(pteOff, vmaOff));
  const to = Math.min(from + FAULT_AROUND_PAGES, HPAGE_PMD_NR, pteOff + (vma.end - vma.start) - vmaOff);
  const cache = vma.inode.cache;
  const lo = index + (from - pteOff);
  const hi = Math.min(index + (to - pteOff), pagesCeil(vma.inode.iSize));
  // The whole window lies past the EOF page: filemap_map_pages() finds nothing to map.
  if (hi <= lo) return;
  const folios = cache.rangeArray(lo, hi).filter((f) => f.uptodate);
  const first = folios[0];
  if (!first) return;
  if (mapPmd(m, vma, first, addr - pteOff)) return;
  m.tables.add(Math.floor(addr / HPAGE_PMD_NR)); // pmd_install()
  for (const f of folios) {
    const nr = 2 ** f.order;
    const start = vmaAddress(vma, f.index);
    const whole = nr > 1 && start >= vma.start && start + nr <= vma.end
      && Math.floor(start / HPAGE_PMD_NR) === Math.floor((start + nr - 1) / HPAGE_PMD_NR);
    const a = whole ? f.index : Math.max(f.index, lo);
    const b = whole ? f.index + nr : Math.min(f.index + nr, hi);
    for (let p = a; p < b; p++) m.mapped.add(p);
  }
}
