import type { OpResult } from '../errno.js';
import { fail } from '../errno.js';
import type { Inode } from '../inode.js';
import { pagesCeil } from '../units.js';
import type { Mapping, VmaKind } from '../vma.js';
import { MAP_BASE, mappingPages } from '../vma.js';

/** An optional `[OFF LEN]` byte range of a command. */
export interface Range {
  readonly pos: bigint;
  readonly len: bigint;
}

/**
 * `mmap(BASE + misalign, len, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, fd, off)`: one VMA,
 * at a 2 MiB-aligned address plus `misalign`. The vm_ops follow the inode: a linked tmpfs file
 * gets shmem_vm_ops, an inode without links (memfd, unlinked file, the anon or SysV inode
 * reopened) the anonymous-shmem ones (kernel.md §1.2). Default range: the whole file.
 * @returns the mapping; EINVAL for an unaligned address or offset, a zero length, an empty file.
 * Mirrors: mm/mmap.c do_mmap() + mm/shmem.c shmem_mmap().
 */
export function mmap(inode: Inode, misalign: bigint, range: Range | undefined): Mapping | OpResult {
  if (misalign % 4096n !== 0n || misalign < 0n) return fail('EINVAL', 'mapping address not page aligned');
  const pos = range?.pos ?? 0n;
  const len = range?.len ?? inode.iSize;
  if (pos % 4096n !== 0n) return fail('EINVAL', 'file offset not page aligned');
  if (len <= 0n) return fail('EINVAL', 'zero-length mapping');
  const kind: VmaKind = inode.nlink === 0 ? 'anon' : 'file';
  return newMapping(inode, kind, Number(misalign / 4096n), Number(pos / 4096n), len);
}

/** A mapping of one VMA of `len` bytes at MAP_BASE + `misalignPages`. Pure. */
export function newMapping(inode: Inode, kind: VmaKind, misalignPages: number, pgoff: number, len: bigint): Mapping {
  const start = MAP_BASE + misalignPages;
  return { len, vmas: [{ inode, kind, start, end: start + pagesCeil(len), pgoff, hugepage: false, nohugepage: false, readahead: 'normal' }], mapped: new Set(), tables: new Set() };
}

/**
 * The file pages `[first, end)` a command's `[OFF LEN]` touches in the mapping (default: all of
 * it). Pure.
 * @returns the page range, or EINVAL when the range leaves the mapping.
 */
export function mappedRange(m: Mapping | undefined, range: Range | undefined): readonly [number, number] | OpResult {
  if (!m) return fail('EINVAL', 'no mapping');
  const [first, end] = mappingPages(m);
  if (!range) return [first, end];
  if (range.len === 0n) return [0, 0];
  const lo = Number(range.pos / 4096n);
  const hi = pagesCeil(range.pos + range.len);
  if (lo < first || hi > end) return fail('EINVAL', 'range outside the mapping');
  return [lo, hi];
}

/**
 * The pages a `madvise` call covers: its start must be page aligned (§11), its length is
 * rounded up to whole pages, and it must lie in the mapping. Pure.
 * @returns the page range; EINVAL otherwise.
 * Mirrors: mm/madvise.c madvise_validate() (the start and length checks).
 */
export function advisedRange(m: Mapping | undefined, range: Range | undefined): readonly [number, number] | OpResult {
  if (range && range.pos % 4096n !== 0n) return fail('EINVAL', 'madvise start not page aligned');
  return mappedRange(m, range);
}

/** True when `x` is an OpResult (a failure to pass on). Pure. */
export function isResult(x: unknown): x is OpResult {
  return typeof x === 'object' && x !== null && 'ok' in x;
}

