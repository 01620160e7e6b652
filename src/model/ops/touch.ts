import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import { pagePos } from '../units.js';
import type { Mapping } from '../vma.js';
import { findVma } from '../vma.js';
import { accessPage } from './fault.js';
import type { Range } from './mmap.js';
import { isResult, mappedRange } from './mmap.js';

/**
 * `mread` / `mwrite`: touch every page of the range through the mapping, in order (read
 * accesses, or write accesses storing `byte` in every byte of the range). A page not mapped
 * faults, and a fault past EOF raises SIGBUS; pages touched before it stay touched.
 * @returns 0; SIGBUS; EINVAL (no mapping, range outside it).
 */
export function touch(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined, byte?: number): OpResult {
  const pages = mappedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  // Without a range: the bytes `mmap` was given, not the pages they round up to (measured:
  // `mwrite` of a 3093847-byte mapping stores nothing past byte 3093847; random enospc-1129).
  const rangeEnd = range ? range.pos + range.len : pagePos(first) + m!.len;
  for (let index = first; index < end; index++) {
    const vma = findVma(m!, index)!;
    const folio = accessPage(ctx, m!, vma, index, byte !== undefined);
    if (folio === 'SIGBUS') return fail('SIGBUS', `page ${index} is past EOF`);
    if (byte === undefined) continue;
    const lo = range && range.pos > pagePos(index) ? range.pos : pagePos(index);
    const hi = rangeEnd < pagePos(index + 1) ? rangeEnd : pagePos(index + 1);
    vma.inode.content.fill(lo, hi - lo, byte);
  }
  return ok();
}
