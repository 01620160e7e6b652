import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import type { Steps } from '../steps.js';
import { pagePos } from '../units.js';
import type { Mapping, Vma } from '../vma.js';
import { findVma } from '../vma.js';
import { accessPage, faultPageSteps, mappedWithoutFault } from './fault.js';
import type { Range } from './mmap.js';
import { isResult, mappedRange } from './mmap.js';

/**
 * `mread` / `mwrite`: touch every page of the range through the mapping, in order (read
 * accesses, or write accesses storing `byte` in every byte of the range). A page not mapped
 * faults, and a fault past EOF raises SIGBUS; pages touched before it stay touched.
 * Steppable: each page's fault yields as `faultPageSteps` does.
 * @returns 0; SIGBUS; EINVAL (no mapping, range outside it).
 */
export function* touchSteps(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined, byte?: number): Steps<OpResult> {
  const plan = touchPlan(m, range, byte);
  if (isResult(plan)) return plan;
  const { first, end, write, rangeEnd } = plan;
  for (let index = first; index < end; index++) {
    const vma = findVma(m!, index)!;
    // The common case, a page already mapped, makes no generator.
    const folio = mappedWithoutFault(m!, vma, index, write) ?? (yield* faultPageSteps(ctx, m!, vma, index, write));
    if (folio === 'SIGBUS') return sigbus(index);
    if (byte !== undefined) store(vma, range, index, rangeEnd, byte);
  }
  return ok();
}

/**
 * {@link touchSteps} when nothing else runs: each page's access is `accessPage`, with no
 * generator per command or per fault (the single-task path of every long run).
 */
export function touch(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined, byte?: number): OpResult {
  const plan = touchPlan(m, range, byte);
  if (isResult(plan)) return plan;
  const { first, end, write, rangeEnd } = plan;
  for (let index = first; index < end; index++) {
    const vma = findVma(m!, index)!;
    if (accessPage(ctx, m!, vma, index, write) === 'SIGBUS') return sigbus(index);
    if (byte !== undefined) store(vma, range, index, rangeEnd, byte);
  }
  return ok();
}

/** What a touch walks: pages [first, end) of the mapping, whether it writes, and where it stops storing; or its errno. */
function touchPlan(m: Mapping | undefined, range: Range | undefined, byte: number | undefined):
  { first: number; end: number; write: boolean; rangeEnd: bigint } | OpResult {
  const pages = mappedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  return { first, end, write: byte !== undefined, rangeEnd: storedEnd(m!, range, first) };
}

function sigbus(index: number): OpResult {
  return fail('SIGBUS', `page ${index} is past EOF`);
}

/**
 * Where an `mwrite` stops storing: the range's end, or without a range the bytes `mmap` was
 * given, not the pages they round up to (measured: `mwrite` of a 3093847-byte mapping stores
 * nothing past byte 3093847; random enospc-1129).
 */
function storedEnd(m: Mapping, range: Range | undefined, first: number): bigint {
  return range ? range.pos + range.len : pagePos(first) + m.len;
}

/** Store `byte` in the bytes of page `index` below `rangeEnd` that the touched range covers. */
function store(vma: Vma, range: Range | undefined, index: number, rangeEnd: bigint, byte: number): void {
  const lo = range && range.pos > pagePos(index) ? range.pos : pagePos(index);
  const hi = rangeEnd < pagePos(index + 1) ? rangeEnd : pagePos(index + 1);
  vma.inode.content.fill(lo, hi - lo, byte);
}
