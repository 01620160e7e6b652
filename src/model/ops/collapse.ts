import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { Errno, OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import { addFolio, markUptodate } from '../folio-ops.js';
import { allowableOrders } from '../huge-orders.js';
import type { Inode } from '../inode.js';
import type { Mapping, Vma } from '../vma.js';
import { retractPageTables, vmaSuitableOrders } from '../vma.js';
import { pagesCeil } from '../units.js';
import type { Range } from './mmap.js';
import { advisedRange, isResult } from './mmap.js';

const PMD = 1 << HPAGE_PMD_ORDER;

/** Outcome of one 2 MiB block: collapsed or already PMD-sized, or why not. */
type BlockResult = 'ok' | Errno;

/**
 * May the VMA hold a PMD folio at all: the policy admits order 9 and the last PMD-sized block
 * before the VMA's end can be mapped aligned. Pure.
 * Mirrors: mm/huge_memory.c __thp_vma_allowable_orders() (not in a fault: the size check
 * against vm_end − HPAGE_PMD_SIZE).
 */
function vmaAllowsPmd(ctx: ShmemCtx, vma: Vma, forced: boolean): boolean {
  const orders = allowableOrders(ctx.thp, vma.inode, vma.pgoff, 0n, vma, forced);
  return (orders & PMD) !== 0 && (vmaSuitableOrders(vma, vma.end - HPAGE_PMD_NR, PMD) & PMD) !== 0;
}

/**
 * Collapse the block of file pages [index, index + 512) into one PMD folio: holes are filled
 * with zeroes, small and mTHP folios merge, the new folio is uptodate and born `collapsed`.
 * `minPresent` is khugepaged's `512 − max_ptes_none` (MADV_COLLAPSE passes 1: a block with no
 * folio at all is not filled).
 * @returns 'ok' (also for a block already PMD-sized); EINVAL (empty block, a fallocated folio
 *   past EOF, tmpfs block limit);
 *   EAGAIN (a pinned page); EBUSY (too few pages present).
 * Mirrors: mm/khugepaged.c hpage_collapse_scan_file() + collapse_file().
 */
function collapseBlock(ctx: ShmemCtx, inode: Inode, index: number, minPresent: number): BlockResult {
  const folios = [...inode.cache.range(index, index + HPAGE_PMD_NR)];
  if (folios.some((f) => f.order === HPAGE_PMD_ORDER)) return 'ok';
  if (folios.length === 0) return 'EINVAL';
  if (folios.some((f) => f.pins > 0)) return 'EAGAIN';
  const present = folios.reduce((n, f) => n + 2 ** f.order, 0);
  if (present < minPresent) return 'EBUSY';
  // collapse_file() instantiates a fallocated folio with shmem_get_folio(SGP_NOALLOC), which
  // refuses a page at or past EOF (SCAN_FAIL); an uptodate folio past EOF needs no lookup.
  if (folios.some((f) => !f.uptodate && f.index >= pagesCeil(inode.iSize))) return 'EINVAL';
  // shmem_charge() of the filled holes: no shrinker retry here.
  const sb = inode.sb;
  const holes = HPAGE_PMD_NR - present;
  if (sb.maxBlocks !== 0 && sb.usedBlocks + holes > sb.maxBlocks) return 'EINVAL';
  // The old folios leave every page table (retract_page_tables()); the next access faults.
  retractPageTables(inode, index, index + HPAGE_PMD_NR);
  for (const f of folios) {
    inode.cache.remove(f);
    sb.usedBlocks -= 2 ** f.order;
    if (inode.reclaimFolio === f) inode.reclaimFolio = undefined;
  }
  const huge = addFolio(ctx, inode, index, HPAGE_PMD_ORDER, 'collapse', null);
  sb.usedBlocks += HPAGE_PMD_NR;
  for (const f of folios) ctx.sink.emit({ type: 'folio_collapsed', folio: f.id, into: huge.id });
  markUptodate(ctx, huge);
  return 'ok';
}

/** The whole aligned PMD blocks of `vma` inside virtual pages [lo, hi), as file indexes. Pure. */
function blocks(vma: Vma, lo: number, hi: number): number[] {
  const out: number[] = [];
  const start = Math.ceil(Math.max(lo, vma.start) / HPAGE_PMD_NR) * HPAGE_PMD_NR;
  for (let addr = start; addr + HPAGE_PMD_NR <= Math.min(hi, vma.end); addr += HPAGE_PMD_NR) {
    out.push(vma.pgoff + (addr - vma.start));
  }
  return out;
}

/**
 * MADV_COLLAPSE over virtual pages [lo, hi) of one VMA: the start is rounded up and the end
 * down to 2 MiB. The call succeeds only when every block in between collapsed (or was already
 * PMD-sized) — so a range whose rounded start lies past its rounded end fails, while one where
 * they meet holds no block and succeeds (measured on 6.18). A block failing with EINVAL (empty,
 * or its charge refused) ends the walk: the blocks after it are left alone.
 * Mirrors: mm/khugepaged.c madvise_collapse() (`thps == (hend - hstart) >> HPAGE_PMD_SHIFT`).
 */
function collapseVma(ctx: ShmemCtx, vma: Vma, lo: number, hi: number): BlockResult {
  if (!vmaAllowsPmd(ctx, vma, true)) return 'EINVAL';
  const hstart = Math.ceil(lo / HPAGE_PMD_NR) * HPAGE_PMD_NR;
  const hend = Math.floor(hi / HPAGE_PMD_NR) * HPAGE_PMD_NR;
  if (hstart > hend) return 'EINVAL'; // last_fail starts as SCAN_FAIL
  let last: BlockResult = 'ok';
  for (const index of blocks(vma, hstart, hend)) {
    const r = collapseBlock(ctx, vma.inode, index, 1);
    if (r !== 'ok') last = r;
    // Only the whitelisted scan results (a pinned page: SCAN_PAGE_COUNT) go on to the next
    // block; an empty block (SCAN_TRUNCATED) or a failed charge (SCAN_FAIL) ends the walk
    // (measured: blocks after an empty one stay as they are).
    if (r === 'EINVAL') return r;
  }
  return last;
}

/**
 * `madvise(MADV_COLLAPSE)` over the range, VMA by VMA: every whole aligned 2 MiB block is
 * collapsed synchronously, ignoring max_ptes_none (kernel.md §6, §11).
 * @returns 0 when every block succeeded; else the errno of the last failing block (an EINVAL
 *   block ends the walk) of the first
 *   VMA that failed — EAGAIN (pinned page), EINVAL (empty block, block limit, a range with no
 *   room for a block between its rounded ends); EINVAL when a VMA may not hold a PMD folio, for
 *   an unaligned start or a range outside the mapping.
 * Mirrors: mm/madvise.c madvise_walk_vmas() → mm/khugepaged.c madvise_collapse().
 */
export function madviseCollapse(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined): OpResult {
  const pages = advisedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  for (const vma of m!.vmas) {
    const lo = Math.max(vma.start + (first - vma.pgoff), vma.start);
    const hi = Math.min(vma.start + (end - vma.pgoff), vma.end);
    if (hi <= lo) continue;
    const r = collapseVma(ctx, vma, lo, hi);
    if (r !== 'ok') return fail(r, `a block could not be collapsed (${r})`);
  }
  return ok();
}

/**
 * One complete khugepaged pass over the current mapping: each VMA whose fault policy admits a
 * PMD folio has its whole aligned blocks collapsed when at least 512 − max_ptes_none pages are
 * present and none is pinned. Never fails.
 * @returns 0.
 * Mirrors: mm/khugepaged.c khugepaged_scan_mm_slot() → hpage_collapse_scan_file().
 */
export function khugepagedScan(ctx: ShmemCtx, m: Mapping | undefined): OpResult {
  if (!m) return ok();
  const minPresent = HPAGE_PMD_NR - ctx.thp.khugepaged.max_ptes_none;
  for (const vma of m.vmas) {
    if (!vmaAllowsPmd(ctx, vma, false)) continue;
    for (const index of blocks(vma, vma.start, vma.end)) collapseBlock(ctx, vma.inode, index, Math.max(minPresent, 1));
  }
  return ok();
}
