import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import { punchCovers, waitForPunch, waitUnlocked } from '../folio-lock.js';
import { foundFolio, newFolio } from '../get-folio.js';
import type { Steps } from '../steps.js';
import { invariant } from '../errno.js';
import { pagePos, pagesCeil } from '../units.js';
import type { Mapping, Vma } from '../vma.js';
import { vmaAddress, vmaSuitableOrders } from '../vma.js';
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from '../arch.js';

/**
 * A page fault on file page `index` through `vma` (read and write faults alike: a shared
 * mapping never maps the zero page for shmem). A fault on a page a punch in progress covers
 * waits for the punch to end, then retries (kernel.md §7). A hole is filled with a new folio
 * sized by the VMA's policy (§2.1–§2.3), zeroed and uptodate; an existing not-uptodate
 * (fallocated) folio is zeroed and marked uptodate. The folio is returned locked: the caller
 * unlocks it once mapped.
 * Steppable: yields `fault-lookup` after the lookup and `fault-alloc` after allocating.
 * Divergence: the kernel tests for a punch once, on entry; a fault that passed that test just
 * before a punch began can refill the hole behind the punch's last pass (kernel.md §7). The
 * model tests again before allocating, so that a punch that returns has emptied its range.
 * @returns the folio, locked; 'SIGBUS' for a page at or past EOF or a `size=` limit reached;
 *   'RETRY' when the fault waited for a punch or lost its folio meanwhile (VM_FAULT_RETRY).
 * Mirrors: mm/shmem.c shmem_fault() → shmem_get_folio_gfp(SGP_CACHE, write_end 0).
 */
function* shmemFaultSteps(ctx: ShmemCtx, vma: Vma, index: number): Steps<Folio | 'SIGBUS' | 'RETRY'> {
  const inode = vma.inode;
  if (pagePos(index) >= inode.iSize) return 'SIGBUS';
  // Bug switch `fault-during-punch`: the fault neither waits for a punch nor tests for one again.
  const waits = !ctx.bugs.faultDuringPunch;
  // Tests inline before each wait: a generator per fault would cost every run, concurrent or not.
  if (waits && punchCovers(inode, index)) {
    yield* waitForPunch(inode, index);
    return 'RETRY';
  }
  const found = inode.cache.lookup(index);
  yield 'fault-lookup';
  if (found) {
    // Punched or split while this fault looked away: start again (folio->mapping changed).
    const kept = found.locked ? yield* waitUnlocked(inode, found) : inode.cache.lookup(index) === found;
    if (!kept) return 'RETRY';
    return lockFound(ctx, vma, found);
  }
  // Another fault filled the hole meanwhile (-EEXIST), or a punch began: start again.
  if ((waits && punchCovers(inode, index)) || inode.cache.lookup(index)) return 'RETRY';
  const folio = allocLocked(ctx, vma, index);
  if (folio === 'SIGBUS') return folio;
  yield 'fault-alloc';
  return folio;
}

/**
 * {@link shmemFaultSteps} when nothing else runs: no punch is in progress and no folio is
 * locked, so it neither waits nor retries, and it needs no generator (a long run takes
 * millions of faults). The same steps: the lookup, then {@link lockFound} or {@link allocLocked}.
 */
function shmemFault(ctx: ShmemCtx, vma: Vma, index: number): Folio | 'SIGBUS' {
  const inode = vma.inode;
  if (pagePos(index) >= inode.iSize) return 'SIGBUS';
  const found = inode.cache.lookup(index);
  invariant(inode.punch === undefined && found?.locked !== true, 'a fault outside tasks met a punch or a locked folio');
  return found ? lockFound(ctx, vma, found) : allocLocked(ctx, vma, index);
}

/** The fault found `folio` in the page cache: lock it, zero it when not uptodate. */
function lockFound(ctx: ShmemCtx, vma: Vma, folio: Folio): Folio {
  folio.locked = true;
  foundFolio(ctx, vma.inode, folio, 'cache');
  return folio;
}

/**
 * The fault found a hole: a new folio, locked; 'SIGBUS' when the `size=` limit refused even
 * an order-0 folio (after the shrinker, kernel.md §11).
 */
function allocLocked(ctx: ShmemCtx, vma: Vma, index: number): Folio | 'SIGBUS' {
  const folio = newFolio(ctx, vma.inode, index, 0n, 'cache', vma);
  if (folio === 'ENOSPC') return 'SIGBUS';
  folio.locked = true;
  return folio;
}

/**
 * An access to file page `index` through mapping `m`: a page whose page-table entry is present
 * takes no fault — even past EOF: shmem maps large folios across i_size (kernel.md §7). Else:
 * - a read first faults around its 64 KiB-aligned window (see `faultAround`; not through
 *   SysV's shm_vm_ops, which has no map_pages). If that mapped the page, no fault;
 * - otherwise it faults ({@link shmemFaultSteps}: SIGBUS past EOF), and the fault maps a PMD-sized
 *   folio with a PMD when the VMA can map it aligned and the PMD entry is empty; else the whole
 *   large folio with PTEs when it lies inside the VMA and one page table and none of its PTEs
 *   is present — through SysV's shm_vm_ops too (measured: a fallocated order-8 folio across
 *   EOF of a SysV segment pins and takes writes up to its end after one fault; corpus 733,
 *   734); else this page alone.
 *   The folio stays locked until it is mapped.
 * Steppable: the fault's yields, then `fault-map` before mapping.
 * @returns the folio of the page, or 'SIGBUS'.
 * Mirrors: mm/gup.c follow_page_mask() / faultin_page(), mm/memory.c do_read_fault() →
 *   do_fault_around() → mm/filemap.c filemap_map_pages(); do_shared_fault() → finish_fault().
 */
export function* accessPageSteps(ctx: ShmemCtx, m: Mapping, vma: Vma, index: number, write: boolean): Steps<Folio | 'SIGBUS'> {
  return mappedWithoutFault(m, vma, index, write) ?? (yield* faultPageSteps(ctx, m, vma, index, write));
}

/**
 * The folio of page `index` when an access takes no fault: its page-table entry is present, or
 * (a read) fault-around mapped it. Not a generator: most accesses of a long run end here, and
 * cost no generator (see {@link accessPageSteps}).
 */
export function mappedWithoutFault(m: Mapping, vma: Vma, index: number, write: boolean): Folio | undefined {
  const cache = vma.inode.cache;
  if (m.mapped.has(index)) {
    const folio = cache.lookup(index);
    if (folio) return folio;
  }
  if (!write && vma.kind !== 'sysv') {
    faultAround(m, vma, index);
    if (m.mapped.has(index)) return cache.lookup(index)!;
  }
  return undefined;
}

/** The fault of {@link accessPageSteps}, retried as long as it says so, then the mapping. */
export function* faultPageSteps(ctx: ShmemCtx, m: Mapping, vma: Vma, index: number, write: boolean): Steps<Folio | 'SIGBUS'> {
  for (;;) {
    const folio = yield* shmemFaultSteps(ctx, vma, index);
    if (folio === 'SIGBUS') return folio;
    if (folio === 'RETRY') {
      const mapped = mappedWithoutFault(m, vma, index, write);
      if (mapped) return mapped;
      continue;
    }
    yield 'fault-map';
    return mapUnlock(m, vma, folio, index);
  }
}

/**
 * {@link faultPageSteps} when nothing else runs (see {@link shmemFault}): what `mread`,
 * `mwrite` and `pin` outside tasks take, without a generator per fault.
 */
export function faultPage(ctx: ShmemCtx, m: Mapping, vma: Vma, index: number): Folio | 'SIGBUS' {
  const folio = shmemFault(ctx, vma, index);
  return folio === 'SIGBUS' ? folio : mapUnlock(m, vma, folio, index);
}

/** {@link accessPageSteps} when nothing else runs. */
export function accessPage(ctx: ShmemCtx, m: Mapping, vma: Vma, index: number, write: boolean): Folio | 'SIGBUS' {
  return mappedWithoutFault(m, vma, index, write) ?? faultPage(ctx, m, vma, index);
}

/** Map the faulted, locked `folio` for page `index`, then unlock it. */
function mapUnlock(m: Mapping, vma: Vma, folio: Folio, index: number): Folio {
  mapFolio(m, vma, folio, index);
  folio.locked = false;
  return folio;
}

/** Map the faulted `folio` for page `index` (see {@link accessPageSteps}). Mirrors: finish_fault(). */
function mapFolio(m: Mapping, vma: Vma, folio: Folio, index: number): void {
  const nr = 2 ** folio.order;
  const addr = vmaAddress(vma, index);
  const idx = index - folio.index;
  const vmaOff = addr - vma.start;
  const pteOff = addr % HPAGE_PMD_NR;
  if (mapPmd(m, vma, folio, addr)) return;
  const fits = vmaOff >= idx && vmaOff + (nr - idx) <= vma.end - vma.start && pteOff >= idx && pteOff + (nr - idx) <= HPAGE_PMD_NR;
  const pages = Array.from({ length: nr }, (_, i) => folio.index + i);
  const whole = nr > 1 && fits && pages.every((p) => !m.mapped.has(p));
  for (const p of whole ? pages : [index]) m.mapped.add(p);
  m.tables.add(Math.floor(addr / HPAGE_PMD_NR));
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
  // A folio a fault holds locked is skipped (filemap_map_pages() only trylocks).
  const folios = cache.rangeArray(lo, hi).filter((f) => f.uptodate && !f.locked);
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
