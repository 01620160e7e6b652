import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import type { Folio } from '../folio.js';
import { pagePos } from '../units.js';
import type { Mapping } from '../vma.js';
import { findVma } from '../vma.js';
import { accessPage } from './fault.js';
import type { Range } from './mmap.js';
import { isResult, mappedRange } from './mmap.js';

/** One pinned page: an extra reference on its folio. */
export interface Pin {
  readonly index: number;
  readonly folio: Folio;
}

/**
 * `pin`: take an extra reference on every page of the range, faulting holes in as GUP does
 * (vmsplice into a pipe; a page already mapped needs no fault, even past EOF). A page that
 * cannot be faulted in ends the pin there.
 * @returns the bytes pinned (from the range start to the first page that failed); EFAULT when
 *   the first page fails; EINVAL (no mapping, range outside it).
 * Mirrors: mm/gup.c __get_user_pages() via fs/splice.c vmsplice_to_pipe().
 */
export function pin(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined, pins: Pin[]): OpResult {
  const pages = mappedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  const pos = range?.pos ?? pagePos(first);
  const len = range?.len ?? m!.len;
  for (let index = first; index < end; index++) {
    const folio = accessPage(ctx, m!, findVma(m!, index)!, index, false);
    if (folio === 'SIGBUS') {
      if (index === first) return fail('EFAULT', `page ${index} cannot be faulted in`);
      return ok(pagePos(index) - pos);
    }
    folio.pins++;
    pins.push({ index, folio });
  }
  return ok(len);
}

/**
 * `unpin [OFF LEN]`: drop every pin on a page of the range, or every pin without one.
 * @returns 0; EINVAL for a range outside the mapping.
 */
export function unpin(m: Mapping | undefined, range: Range | undefined, pins: Pin[]): OpResult {
  let keep: (p: Pin) => boolean = () => false;
  if (range) {
    const pages = mappedRange(m, range);
    if (isResult(pages)) return pages;
    const [first, end] = pages;
    const file = m!.vmas[0]!.inode.id;
    keep = (p) => p.folio.file !== file || p.index < first || p.index >= end;
  }
  const kept = pins.filter((p) => keep(p) || (p.folio.pins--, false));
  pins.splice(0, pins.length, ...kept);
  return ok();
}
