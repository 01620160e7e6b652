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
 * Mirrors: struct vm_area_struct (vm_start, vm_end, vm_pgoff, VM_HUGEPAGE, VM_NOHUGEPAGE).
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
}

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
