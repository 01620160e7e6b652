import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from '../arch.js';
import type { ShmemCtx } from '../context.js';
import type { CollapseDecision, CollapseResult } from '../decisions.js';
import type { Errno, OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import type { Folio } from '../folio.js';
import { addFolio, markUptodate } from '../folio-ops.js';
import { allowableOrders } from '../huge-orders.js';
import type { Inode } from '../inode.js';
import type { Mapping, Vma } from '../vma.js';
import { retractPageTables, vmaAddress, vmaSuitableOrders } from '../vma.js';
import { pagesCeil } from '../units.js';
import type { Range } from './mmap.js';
import { advisedRange, isResult } from './mmap.js';

const PMD = 1 << HPAGE_PMD_ORDER;

/** Outcome of one 2 MiB block: collapsed or already PMD-sized, or why not. */
type BlockResult = 'ok' | Errno;

/** Who collapses: MADV_COLLAPSE or khugepaged. */
type Context = CollapseDecision['context'];

/** What each block outcome returns. */
const BLOCK_ERRNO: Readonly<Record<CollapseResult, BlockResult>> = {
  collapsed: 'ok', pmd: 'ok', empty: 'EINVAL', pinned: 'EAGAIN', max_ptes_none: 'EBUSY', past_eof: 'EINVAL',
  charge: 'EINVAL', policy: 'EINVAL', vma_fit: 'EINVAL', no_block: 'EINVAL', partial: 'ok', fallocated_pmd: 'EINVAL',
};

/**
 * Why the VMA may not hold a PMD folio at all: the policy does not admit order 9 (`policy`),
 * or the last PMD-sized block before the VMA's end cannot be mapped aligned (`vma_fit`);
 * undefined when it may. Pure.
 * Mirrors: mm/huge_memory.c __thp_vma_allowable_orders() (not in a fault: the size check
 * against vm_end − HPAGE_PMD_SIZE).
 */
function pmdRefusal(ctx: ShmemCtx, vma: Vma, forced: boolean): 'policy' | 'vma_fit' | undefined {
  const orders = allowableOrders(ctx.thp, vma.inode, vma.pgoff, 0n, vma, forced);
  if ((orders & PMD) === 0) return 'policy';
  return (vmaSuitableOrders(vma, vma.end - HPAGE_PMD_NR, PMD) & PMD) === 0 ? 'vma_fit' : undefined;
}

/**
 * What a block that already holds a PMD folio comes to: `pmd` (nothing to do), or, on
 * `MODELLED_RELEASE`, `fallocated_pmd` when that folio is not uptodate — measured: EINVAL for
 * tmpfs, memfd, anon and SysV alike, whatever the huge settings, and the walk stops there. The
 * variant `collapse-passes-fallocated-pmd` (other 6.18.44 builds) takes it as collapsed. Pure.
 */
function pmdBlock(ctx: ShmemCtx, pmd: Folio): CollapseResult {
  return pmd.uptodate || ctx.variant === 'collapse-passes-fallocated-pmd' ? 'pmd' : 'fallocated_pmd';
}

/** Why the block's folios cannot be collapsed (in the kernel's order of checks), or undefined. Pure. */
function blockRefusal(ctx: ShmemCtx, inode: Inode, folios: readonly Folio[], present: number, minPresent: number): CollapseResult | undefined {
  const pmd = folios.find((f) => f.order === HPAGE_PMD_ORDER);
  if (pmd) return pmdBlock(ctx, pmd);
  if (folios.length === 0) return 'empty';
  if (folios.some((f) => f.pins > 0)) return 'pinned';
  if (present < minPresent) return 'max_ptes_none';
  // collapse_file() instantiates a fallocated folio with shmem_get_folio(SGP_NOALLOC), which
  // refuses a page at or past EOF (SCAN_FAIL); an uptodate folio past EOF needs no lookup.
  if (folios.some((f) => !f.uptodate && f.index >= pagesCeil(inode.iSize))) return 'past_eof';
  // shmem_charge() of the filled holes: no shrinker retry here.
  const sb = inode.sb;
  if (sb.maxBlocks !== 0 && sb.usedBlocks + HPAGE_PMD_NR - present > sb.maxBlocks) return 'charge';
  return undefined;
}

/**
 * What collapse_file() leaves of a block whose collapse failed after its scan: it instantiates
 * each fallocated folio in index order with shmem_get_folio(SGP_NOALLOC), which zeroes it and
 * marks it uptodate, until one at or past EOF fails it (`past_eof`); a failed charge
 * (`charge`) comes after the walk. The rollback puts the small folios back and keeps them
 * uptodate (measured: random scripts collapse-1042, -1045, -1130).
 */
function instantiateBefore(ctx: ShmemCtx, inode: Inode, folios: readonly Folio[], refused: CollapseResult): void {
  if (refused !== 'past_eof' && refused !== 'charge') return;
  const eof = pagesCeil(inode.iSize);
  for (const f of folios) {
    if (f.uptodate) continue;
    if (f.index >= eof) break;
    markUptodate(ctx, inode, f);
  }
}

/** Replace the block's folios by one uptodate PMD folio born `collapsed`. */
function mergeBlock(ctx: ShmemCtx, inode: Inode, index: number, folios: readonly Folio[]): Folio {
  const sb = inode.sb;
  // The old folios leave every page table (retract_page_tables()); the next access faults.
  retractPageTables(inode, index, index + HPAGE_PMD_NR);
  for (const f of folios) {
    inode.cache.remove(f);
    sb.usedBlocks -= 2 ** f.order;
    if (inode.reclaimFolio === f) inode.reclaimFolio = undefined;
    // Per-block state: a partly uptodate folio's bitmap goes with it (its other pages hold zeros).
    ctx.perBlock?.forget(f);
  }
  const huge = addFolio(ctx, inode, index, HPAGE_PMD_ORDER, 'collapse', null);
  sb.usedBlocks += HPAGE_PMD_NR;
  for (const f of folios) ctx.sink.emit({ type: 'folio_collapsed', folio: f.id, into: huge.id });
  markUptodate(ctx, inode, huge);
  return huge;
}

/**
 * Collapse the block of file pages [index, index + 512) into one PMD folio: holes are filled
 * with zeroes, small and mTHP folios merge, the new folio is uptodate and born `collapsed`.
 * `minPresent` is khugepaged's `512 − max_ptes_none` (MADV_COLLAPSE passes 1: a block with no
 * folio at all is not filled). The outcome goes to the DecisionSink, if any.
 * @returns 'ok' (also for a block already PMD-sized); EINVAL (empty block, a fallocated folio
 *   past EOF, a fallocated PMD folio, tmpfs block limit);
 *   EAGAIN (a pinned page); EBUSY (too few pages present).
 * Mirrors: mm/khugepaged.c hpage_collapse_scan_file() + collapse_file().
 */
function collapseBlock(ctx: ShmemCtx, inode: Inode, index: number, minPresent: number, context: Context): BlockResult {
  const folios = inode.cache.rangeArray(index, index + HPAGE_PMD_NR);
  const present = folios.reduce((n, f) => n + 2 ** f.order, 0);
  const refused = blockRefusal(ctx, inode, folios, present, minPresent);
  const born = refused === undefined ? mergeBlock(ctx, inode, index, folios) : undefined;
  if (refused !== undefined) instantiateBefore(ctx, inode, folios, refused);
  if (ctx.decisions) {
    const folio = born ?? folios.find((f) => f.pins > 0 || f.order === HPAGE_PMD_ORDER);
    ctx.decisions.decide({
      type: 'collapse', context, result: refused ?? 'collapsed', index, end: index + HPAGE_PMD_NR,
      folio: folio?.id ?? null, present, minPresent,
    });
  }
  return refused === undefined ? 'ok' : BLOCK_ERRNO[refused];
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
 * Tell the DecisionSink about a VMA-wide outcome: the VMA refused (`policy`, `vma_fit`), no
 * whole block in the range (`no_block`), or `count` aligned blocks it covers only in part.
 */
function decideVma(ctx: ShmemCtx, vma: Vma, context: Context, result: CollapseResult, count = 0): void {
  ctx.decisions?.decide({
    type: 'collapse', context, result, index: vma.pgoff, end: vma.pgoff + (vma.end - vma.start),
    folio: null, present: count, minPresent: 0,
  });
}

/** Aligned 2 MiB blocks that meet virtual pages [lo, hi) of `vma` but do not lie wholly inside it. Pure. */
function partialBlocks(vma: Vma, lo: number, hi: number): number {
  const a = Math.max(lo, vma.start);
  const b = Math.min(hi, vma.end);
  let n = 0;
  for (let addr = a - (a % HPAGE_PMD_NR); addr < b; addr += HPAGE_PMD_NR) {
    if (addr < vma.start || addr + HPAGE_PMD_NR > vma.end) n++;
  }
  return n;
}

/**
 * Collapse every whole aligned block of `vma` inside virtual pages [lo, hi); tell the
 * DecisionSink, if any, of the blocks the VMA covers only in part.
 * @returns the outcome of each block walked; MADV_COLLAPSE stops after the first EINVAL.
 */
function collapseBlocks(ctx: ShmemCtx, vma: Vma, lo: number, hi: number, minPresent: number, context: Context): BlockResult[] {
  if (ctx.decisions) {
    const partial = partialBlocks(vma, lo, hi);
    if (partial > 0) decideVma(ctx, vma, context, 'partial', partial);
  }
  const out: BlockResult[] = [];
  for (const index of blocks(vma, lo, hi)) {
    const r = collapseBlock(ctx, vma.inode, index, minPresent, context);
    out.push(r);
    // MADV_COLLAPSE: only the whitelisted scan results (a pinned page: SCAN_PAGE_COUNT) go on to
    // the next block; an empty block (SCAN_TRUNCATED) or a failed charge (SCAN_FAIL) ends the
    // walk (measured: blocks after an empty one stay as they are).
    if (r === 'EINVAL' && context === 'madvise') break;
  }
  return out;
}

/**
 * Map the PMD folio of file block [index, index + 512) with a PMD in the caller's mapping, as
 * MADV_COLLAPSE does after each block it collapsed or found PMD-sized
 * (collapse_pte_mapped_thp(install_pmd = true)): its pages past EOF then take no fault
 * (measured: random long-6035). khugepaged installs none.
 */
function installPmd(m: Mapping, vma: Vma, index: number): void {
  for (let p = index; p < index + HPAGE_PMD_NR; p++) m.mapped.add(p);
  m.tables.delete(Math.floor(vmaAddress(vma, index) / HPAGE_PMD_NR));
}

/**
 * MADV_COLLAPSE over virtual pages [lo, hi) of one VMA: the start is rounded up and the end
 * down to 2 MiB. The call succeeds only when every block in between collapsed (or was already
 * PMD-sized) — so a range whose rounded start lies past its rounded end fails, while one where
 * they meet holds no block and succeeds (measured on 6.18). A block failing with EINVAL (empty,
 * or its charge refused) ends the walk: the blocks after it are left alone.
 * Mirrors: mm/khugepaged.c madvise_collapse() (`thps == (hend - hstart) >> HPAGE_PMD_SHIFT`).
 */
function collapseVma(ctx: ShmemCtx, m: Mapping, vma: Vma, lo: number, hi: number): BlockResult {
  const refused = pmdRefusal(ctx, vma, true);
  if (refused) {
    decideVma(ctx, vma, 'madvise', refused);
    return 'EINVAL';
  }
  const hstart = Math.ceil(lo / HPAGE_PMD_NR) * HPAGE_PMD_NR;
  const hend = Math.floor(hi / HPAGE_PMD_NR) * HPAGE_PMD_NR;
  const results = hstart > hend ? [] : collapseBlocks(ctx, vma, hstart, hend, 1, 'madvise');
  const walked = blocks(vma, hstart, hend);
  results.forEach((r, n) => { if (r === 'ok') installPmd(m, vma, walked[n]!); });
  if (results.length === 0) decideVma(ctx, vma, 'madvise', 'no_block');
  if (hstart > hend) return 'EINVAL'; // last_fail starts as SCAN_FAIL
  return results.findLast((r) => r !== 'ok') ?? 'ok';
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
    const r = collapseVma(ctx, m!, vma, lo, hi);
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
  const minPresent = Math.max(HPAGE_PMD_NR - ctx.thp.khugepaged.max_ptes_none, 1);
  for (const vma of m.vmas) {
    const refused = pmdRefusal(ctx, vma, false);
    if (refused) decideVma(ctx, vma, 'khugepaged', refused);
    else collapseBlocks(ctx, vma, vma.start, vma.end, minPresent, 'khugepaged');
  }
  return ok();
}
