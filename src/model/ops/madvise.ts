import type { ShmemCtx } from '../context.js';
import type { OpResult } from '../errno.js';
import { ok } from '../errno.js';
import type { Mapping, Vma } from '../vma.js';
import { vmaAddress, zapPages } from '../vma.js';
import type { Range } from './mmap.js';
import { advisedRange, isResult } from './mmap.js';
import { fpunchSteps } from './punch.js';
import type { Steps } from '../steps.js';
import { pagePos } from '../units.js';

/** The advice `madvise` takes here: the ones that change VMA flags, zap, or do nothing on shmem. */
export type VmaAdvice = 'hugepage' | 'nohugepage' | 'random' | 'sequential' | 'dontneed' | 'willneed';

/** The VMA flags after `advice`. Pure. Mirrors: madvise_vma_behavior(), hugepage_madvise(). */
function advised(v: Vma, advice: 'hugepage' | 'nohugepage' | 'random' | 'sequential'): Pick<Vma, 'hugepage' | 'nohugepage' | 'readahead'> {
  switch (advice) {
    case 'hugepage':
    case 'nohugepage':
      return { hugepage: advice === 'hugepage', nohugepage: advice === 'nohugepage', readahead: v.readahead };
    case 'random':
    case 'sequential':
      return { hugepage: v.hugepage, nohugepage: v.nohugepage, readahead: advice };
  }
}

/**
 * `madvise(MADV_HUGEPAGE | MADV_NOHUGEPAGE | MADV_RANDOM | MADV_SEQUENTIAL | MADV_DONTNEED |
 * MADV_WILLNEED)` over file range `range` of the mapping. The flags are set on exactly the
 * pages advised: a VMA whose flags change is split at the range's ends (one whose flags stay is
 * left whole) and neighbours with equal flags merge again, as madvise_update_vma(),
 * vma_modify_flags() and vma_merge() do — so MADV_RANDOM and MADV_SEQUENTIAL, which
 * change nothing else on shmem, still decide which orders a fault's VMA can hold and where
 * fault-around stops. MADV_DONTNEED only zaps the range's page tables: shmem keeps its page
 * cache (a later access faults again, so a page past EOF raises SIGBUS). MADV_WILLNEED on
 * shmem only swaps in swap entries (shmem_swapin_range()), and there is no swap: nothing.
 * @returns 0; EINVAL for an unaligned start (§11) or a range outside the mapping.
 * Mirrors: mm/madvise.c madvise_vma_behavior(), hugepage_madvise(), madvise_willneed().
 */
export function madvise(m: Mapping | undefined, advice: VmaAdvice, range: Range | undefined): OpResult {
  const pages = advisedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  if (advice === 'dontneed') zapPages(m!, first, end);
  if (advice === 'dontneed' || advice === 'willneed' || first === end) return ok();
  const out: Vma[] = [];
  for (const v of m!.vmas) {
    const a = Math.max(vmaAddress(v, first), v.start);
    const b = Math.min(vmaAddress(v, end), v.end);
    const flags = advised(v, advice);
    // madvise_update_vma(): flags that do not change leave the VMA whole (no split).
    const same = flags.hugepage === v.hugepage && flags.nohugepage === v.nohugepage && flags.readahead === v.readahead;
    if (a >= b || same) { out.push(v); continue; }
    if (a > v.start) out.push({ ...v, end: a });
    out.push({ ...v, start: a, end: b, pgoff: v.pgoff + (a - v.start), ...flags });
    if (b < v.end) out.push({ ...v, start: b, pgoff: v.pgoff + (b - v.start) });
  }
  m!.vmas = merge(out);
  return ok();
}

/**
 * Merge neighbouring VMAs that continue each other with equal flags. SysV VMAs never merge:
 * ipc's shm_vm_ops has a `close`, which vma_merge() refuses (measured: after `madvise -r` on
 * part of a segment and then on all of it, MADV_COLLAPSE still stops at the old split). Pure.
 */
function merge(vmas: readonly Vma[]): Vma[] {
  const out: Vma[] = [];
  for (const v of vmas) {
    const prev = out[out.length - 1];
    if (prev && v.kind !== 'sysv' && prev.end === v.start && prev.pgoff + (prev.end - prev.start) === v.pgoff
      && prev.hugepage === v.hugepage && prev.nohugepage === v.nohugepage && prev.readahead === v.readahead
      && prev.kind === v.kind) {
      out[out.length - 1] = { ...prev, end: v.end };
    } else out.push(v);
  }
  return out;
}

/**
 * `madvise(MADV_REMOVE)`: punch the advised pages out of the file, one fallocate per VMA in
 * the range. The start must be page aligned and the length is rounded up to whole pages (§11),
 * so a range ending inside a page removes that whole page, where `fpunch` would zero part of it.
 * Steppable: each punch yields as `fpunchSteps` does.
 * @returns 0; EINVAL for an unaligned start or a range outside the mapping.
 * Mirrors: mm/madvise.c madvise_remove() → vfs_fallocate(PUNCH_HOLE | KEEP_SIZE).
 */
export function* madviseRemoveSteps(ctx: ShmemCtx, m: Mapping | undefined, range: Range | undefined): Steps<OpResult> {
  const pages = advisedRange(m, range);
  if (isResult(pages)) return pages;
  const [first, end] = pages;
  for (const v of [...m!.vmas]) {
    const lo = Math.max(first, v.pgoff);
    const hi = Math.min(end, v.pgoff + (v.end - v.start));
    if (lo < hi) yield* fpunchSteps(ctx, v.inode, pagePos(lo), pagePos(hi) - pagePos(lo));
  }
  return ok();
}
