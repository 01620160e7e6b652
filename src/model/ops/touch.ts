import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import type { Steps } from '../steps.js';
import { pagePos } from '../units.js';
import type { Mapping } from '../vma.js';
import { findVma } from '../vma.js';
import { faultPageSteps, mappedWithoutFault } from './fault.js';
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
  const pages = mappedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  for (let index = first; index < end; index++) {
    const vma = findVma(m!, index)!;
    const write = byte !== undefined;
    // The common case, a page already mapped, makes no generator.
    const folio = mappedWithoutFault(m!, vma, index, write) ?? (yield* faultPageSteps(ctx, m!, vma, index, write));
    if (folio === 'SIGBUS') return fail('SIGBUS', `page ${index} is past EOF`);
    if (byte === undefined) continue;
    const lo = range && range.pos > pagePos(index) ? range.pos : pagePos(index);
    const rangeEnd = range ? range.pos + range.len : pagePos(end);
    const hi = rangeEnd < pagePos(index + 1) ? rangeEnd : pagePos(index + 1);
    vma.inode.content.fill(lo, hi - lo, byte);
  }
  return ok();
}
