import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { fail, ok } from '../errno.js';
import type { Folio } from '../folio.js';
import type { Inode } from '../inode.js';
import { pagePos } from '../units.js';
import type { Mapping } from '../vma.js';
import { findVma } from '../vma.js';
import { accessPage } from './fault.js';
import type { Range } from './mmap.js';
import { isResult, mappedRange } from './mmap.js';

/**
 * One pinned page: an extra reference on its folio, which lives (or lived) in `inode`'s cache.
 * Tasks forked after it was taken share it; the first that drops it clears `held`.
 */
export interface Pin {
  readonly index: number;
  readonly folio: Folio;
  readonly inode: Inode;
  held: boolean;
}

/** Emit each folio's new pin count, once per folio, in the order they changed. */
function emitPins(ctx: ShmemCtx, changed: ReadonlySet<Folio>, type: 'folio_pinned' | 'folio_unpinned'): void {
  for (const folio of changed) ctx.sink.emit({ type, folio: folio.id, pins: folio.pins });
}

/**
 * `pin`: take an extra reference on every page of the range, faulting holes in as GUP does
 * (vmsplice into a pipe; a page already mapped needs no fault, even past EOF). A page that
 * cannot be faulted in ends the pin there. Each folio pinned gets one `folio_pinned` with its
 * count, after the pages are taken.
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
  const changed = new Set<Folio>();
  try {
    for (let index = first; index < end; index++) {
      const vma = findVma(m!, index)!;
      const folio = accessPage(ctx, m!, vma, index, false);
      if (folio === 'SIGBUS') {
        if (index === first) return fail('EFAULT', `page ${index} cannot be faulted in`);
        return ok(pagePos(index) - pos);
      }
      folio.pins++;
      changed.add(folio);
      pins.push({ index, folio, inode: vma.inode, held: true });
    }
    return ok(len);
  } finally {
    emitPins(ctx, changed, 'folio_pinned');
  }
}

/**
 * `unpin [OFF LEN]`: drop every pin on a page of the range, or every pin without one; each
 * folio still in the page cache whose count dropped gets one `folio_unpinned` with its count.
 * @returns 0; EINVAL for a range outside the mapping.
 */
export function unpin(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined, pins: Pin[]): OpResult {
  let keep: (p: Pin) => boolean = () => false;
  if (range) {
    const pages = mappedRange(m, range);
    if (isResult(pages)) return pages;
    const [first, end] = pages;
    const file = m!.vmas[0]!.inode.id;
    keep = (p) => p.folio.file !== file || p.index < first || p.index >= end;
  }
  const changed = new Set<Folio>();
  const kept = pins.filter((p) => {
    // Dropped by another task that shared it.
    if (!p.held) return false;
    if (keep(p)) return true;
    p.held = false;
    p.folio.pins--;
    // A folio truncated or punched out while pinned has left the page cache: no event.
    if (p.inode.cache.lookup(p.index) === p.folio) changed.add(p.folio);
    return false;
  });
  pins.splice(0, pins.length, ...kept);
  emitPins(ctx, changed, 'folio_unpinned');
  return ok();
}
