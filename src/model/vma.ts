import { HPAGE_PMD_NR } from './arch.js';
import type { Inode } from './inode.js';

/**
 * Which vm_ops a mapping got, which decides the fault policy (kernel.md §1.2):
 * `file` = shmem_vm_ops (a linked tmpfs file: the mount's huge=, PMD or nothing);
 * `anon` = shmem_anon_vm_ops (MAP_SHARED|MAP_ANONYMOUS, memfd, an unlinked file: the per-size mask);
 * `sysv` = ipc's shm_vm_ops wrapper (global knob only, PMD only).
 */
export type VmaKind = 'file' | 'anon' | 'sysv';

/**
 * A VMA of the current mapping. Virtual addresses are in pages. `madvise` on part of a mapping
 * splits it into several VMAs, as the kernel does; neighbours with equal flags merge again.
 * Mirrors: struct vm_area_struct (vm_start, vm_end, vm_pgoff, VM_HUGEPAGE, VM_NOHUGEPAGE,
 * VM_RAND_READ, VM_SEQ_READ).
 */
export interface Vma {
  readonly inode: Inode;
  readonly kind: VmaKind;
  /** First virtual page. */
  readonly start: number;
  /** Virtual page after the last. */
  readonly end: number;
  /** File page mapped at `start`. */
  readonly pgoff: number;
  readonly hugepage: boolean;
  readonly nohugepage: boolean;
  /** VM_RAND_READ / VM_SEQ_READ (MADV_RANDOM / MADV_SEQUENTIAL), else 'normal'. */
  readonly readahead: ReadAhead;
}

/** The readahead hint of a VMA: none, VM_RAND_READ or VM_SEQ_READ (at most one is set). */
export type ReadAhead = 'normal' | 'random' | 'sequential';

/** The virtual page of file page `index` in `vma`. Pure. */
export function vmaAddress(vma: Vma, index: number): number {
  return vma.start + (index - vma.pgoff);
}

/** True when file page `index` is mapped by `vma`. Pure. */
export function vmaMaps(vma: Vma, index: number): boolean {
  const addr = vmaAddress(vma, index);
  return addr >= vma.start && addr < vma.end;
}

/**
 * Keep the orders whose aligned folio the VMA can map at the fault address: the VMA's start
 * and pgoff agree modulo the folio size, and the aligned virtual block lies inside the VMA.
 * Pure. Mirrors: include/linux/huge_mm.h thp_vma_suitable_order().
 */
export function vmaSuitableOrders(vma: Vma, addr: number, orders: number): number {
  let m = orders;
  for (let o = 1; o <= 9; o++) {
    if (!(m & (1 << o))) continue;
    const nr = 2 ** o;
    const haddr = addr - (addr % nr);
    const aligned = (vma.start - vma.pgoff) % nr === 0;
    if (!aligned || haddr < vma.start || haddr + nr > vma.end) m &= ~(1 << o);
  }
  return m;
}

/** The current mapping: its VMAs in address order (one, until `madvise` splits it). */
export interface Mapping {
  vmas: Vma[];
  /** The length `mmap` was given, in bytes (the VMAs span it rounded up to pages). */
  readonly len: bigint;
  /**
   * File pages whose page-table entry (PTE or PMD) is present in this mapping: an access to one
   * of them takes no fault, so it raises no SIGBUS even past EOF (kernel.md §7).
   * Mirrors: the mm's page tables over the VMAs.
   */
  readonly mapped: Set<number>;
  /**
   * Virtual 2 MiB blocks (address / 512) that hold a PTE table; a block with mapped pages and
   * no table is PMD-mapped. A table stays when its PTEs are zapped (only munmap frees it), and
   * a PMD can only be installed where there is none. Mirrors: pmd_none() of each PMD entry.
   */
  readonly tables: Set<number>;
}

/**
 * Zap the page-table entries of file pages [first, end) of `inode` in every mapping of it.
 * Mirrors: mm/memory.c unmap_mapping_range() / unmap_mapping_folio() (over i_mmap).
 */
export function unmapMappingRange(inode: Inode, first: number, end: number): void {
  for (const m of inode.mappings) zapPages(m, first, end);
}

/**
 * Zap the page-table entries of file pages [first, end) in mapping `m`. A PMD mapping the range
 * covers only in part is cleared whole: splitting the PMD of a VMA that is not anonymous
 * (shmem's included) only clears it, and its pages fault again (measured: after a truncate
 * whose split failed, a read at the start of the block maps the PMD folio again, so its pages
 * past EOF take no fault; random collapse-6016).
 * Mirrors: mm/memory.c zap_pmd_range() (__split_huge_pmd_locked(): !vma_is_anonymous), zap_pte_range().
 */
export function zapPages(m: Mapping, first: number, end: number): void {
  const hit = pagesIn(m.mapped, first, end);
  const cleared: number[] = [];
  for (const index of hit) {
    const vma = findVma(m, index);
    const block = vma ? Math.floor(vmaAddress(vma, index) / HPAGE_PMD_NR) : undefined;
    if (block !== undefined && !m.tables.has(block)) {
      const lo = pageOfAddress(m, block * HPAGE_PMD_NR);
      if (lo !== undefined && (lo < first || lo + HPAGE_PMD_NR > end)) cleared.push(lo);
    }
  }
  for (const index of hit) m.mapped.delete(index);
  for (const lo of new Set(cleared)) for (const index of pagesIn(m.mapped, lo, lo + HPAGE_PMD_NR)) m.mapped.delete(index);
}

/**
 * The members of `set` in [first, end), walking whichever is smaller: the range or the set (a
 * truncate removes folios one by one, each zapping a few pages of a mapping of millions). Pure.
 */
function pagesIn(set: ReadonlySet<number>, first: number, end: number): number[] {
  const out: number[] = [];
  if (end - first <= set.size) {
    for (let i = first; i < end; i++) if (set.has(i)) out.push(i);
  } else {
    for (const i of set) if (i >= first && i < end) out.push(i);
  }
  return out;
}

/** The file page mapped at virtual page `addr` of mapping `m` (VMAs map it linearly). Pure. */
function pageOfAddress(m: Mapping, addr: number): number | undefined {
  const v = m.vmas[0];
  return v === undefined ? undefined : v.pgoff + (addr - v.start);
}

/** Virtual page where `mmap` places a mapping: 2 MiB-aligned (a multiple of 512 pages). */
export const MAP_BASE = 2 ** 27;

/** File pages the mapping covers, [first, end). Pure. */
export function mappingPages(m: Mapping): readonly [number, number] {
  const first = m.vmas[0]!;
  const last = m.vmas[m.vmas.length - 1]!;
  return [first.pgoff, last.pgoff + (last.end - last.start)];
}

/** The VMA that maps file page `index`, if any. Pure. */
export function findVma(m: Mapping, index: number): Vma | undefined {
  return m.vmas.find((v) => vmaMaps(v, index));
}

/**
 * Remove the page tables over file pages [first, end) (one aligned 2 MiB block) from every
 * mapping of `inode`: its pages are no longer mapped and the PMD entry is empty again.
 * Mirrors: mm/khugepaged.c retract_page_tables().
 */
export function retractPageTables(inode: Inode, first: number, end: number): void {
  for (const m of inode.mappings) {
    for (const index of pagesIn(m.mapped, first, end)) m.mapped.delete(index);
    const vma = findVma(m, first);
    if (vma) m.tables.delete(Math.floor(vmaAddress(vma, first) / 512));
  }
}
