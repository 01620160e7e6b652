import type { GlobalHugeSetting, HugeSetting, SizeHugeSetting } from './settings.js';
import type { FileId, FolioId, OrderMask } from './units.js';
import type { VmaKind } from './vma.js';

/*
 * Decisions: why the model did what it did, for `foliolog explain`. They are not events: the
 * event log and its hash never see them, and the model reports them only to a DecisionSink
 * that was attached (ShmemCtx.decisions), so a run without one pays nothing for them.
 */

/** The VMA a fault went through, as far as order selection looks at it. */
export interface VmaFacts {
  readonly kind: VmaKind;
  /** First file page the VMA maps. */
  readonly start: number;
  /** File page after the last one it maps. */
  readonly end: number;
  /** `(vm_start − vm_pgoff) mod 512`, in pages: 0 when file and virtual 2 MiB blocks line up. */
  readonly misalign: number;
  readonly hugepage: boolean;
  readonly nohugepage: boolean;
}

/**
 * One allocation of a folio for a hole, with the order chain of kernel.md §2 as it stood:
 * the masks after each stage and the values they read. The model allocates the highest
 * suitable order (allocation and memcg charge never fail here); the only fallback it takes is
 * the `size=` limit refusing the large folio even after the EOF shrinker (order 0 directly).
 * Mirrors: the inputs and stages of mm/shmem.c shmem_get_folio_gfp() → shmem_allowable_huge_orders()
 * → shmem_suitable_orders() → shmem_alloc_and_add_folio().
 */
export interface AllocationDecision {
  readonly type: 'allocation';
  /** The lookup that allocated: write(2), fallocate(2), or a fault (`cache`). */
  readonly sgp: 'write' | 'falloc' | 'cache';
  readonly file: FileId;
  /** The page looked up. */
  readonly index: number;
  /** The folio allocated (null: the `size=` limit refused even order 0, ENOSPC). */
  readonly folio: FolioId | null;
  /** Its first page and order (−1 without a folio). */
  readonly folioIndex: number;
  readonly order: number;
  /** Global `shmem_enabled`. */
  readonly global: GlobalHugeSetting;
  /** The superblock's `huge=`: the tmpfs mount's option, or the internal mount's copy of the global knob. */
  readonly huge: HugeSetting;
  /** True for the internal mount (memfd, anon, SysV files). */
  readonly internal: boolean;
  /** The faulting VMA; null for write and fallocate. */
  readonly vma: VmaFacts | null;
  /** Per-size `shmem_enabled` by order (index 0 unused), for anonymous-shmem VMAs only. */
  readonly perSize: readonly SizeHugeSetting[] | null;
  /** i_size and write_end (bytes) the within_size rule reads. */
  readonly iSize: bigint;
  readonly writeEnd: bigint;
  /** shmem_huge_global_enabled(): the superblock's (or the global) orders, within_size applied. */
  readonly globalOrders: OrderMask;
  /** shmem_allowable_huge_orders(): the per-size mask for an anon VMA, else the global orders. */
  readonly allowableOrders: OrderMask;
  /** After thp_vma_suitable_order() (= allowable without a VMA). */
  readonly vmaOrders: OrderMask;
  /** After the conflict check: the orders the allocation loop tries, highest first. */
  readonly suitableOrders: OrderMask;
}

/**
 * What asked for a split. `size_limit`: the EOF shrinker run by an allocation that hit `size=`.
 * What-if policies only: `retry`, `flag-reclaim` retrying a reclaim candidate's split; `scan`,
 * the `zeropage-scan` scanner splitting a folio with zero pages.
 */
export type SplitCause = 'punch' | 'truncate' | 'unfalloc' | 'reclaim' | 'size_limit' | 'retry' | 'scan';

/**
 * One split attempt: its cause, the page it split around (null: uniform, to order 0), and
 * whether the folio's extra references refused it (`pins` then holds their count). The pieces
 * are the events that follow. Mirrors: the callers of mm/huge_memory.c __folio_split().
 */
export interface SplitDecision {
  readonly type: 'split';
  readonly folio: FolioId;
  readonly cause: SplitCause;
  readonly at: number | null;
  /** truncate_inode_partial_folio()'s second split: around the page after the range, not its first page. */
  readonly afterRange: boolean;
  readonly ok: boolean;
  readonly pins: number;
}

/**
 * The outcome of one 2 MiB block (or, for `policy`, `vma_fit`, `no_block`, `partial`, of a VMA)
 * in MADV_COLLAPSE or a khugepaged pass: `collapsed`; `pmd` (already PMD-sized); `pinned`
 * (EAGAIN); `max_ptes_none` (too few pages present); `empty` (no folio); `past_eof` (a
 * fallocated folio past EOF); `fallocated_pmd` (a not-uptodate PMD folio, EINVAL); `charge` (the `size=` limit); `policy` (the huge settings refuse
 * PMD in this VMA); `vma_fit` (the VMA cannot map an aligned PMD); `no_block` (no whole aligned
 * block in the range); `partial` (aligned blocks the VMA covers only in part).
 */
export type CollapseResult = 'collapsed' | 'pmd' | 'pinned' | 'max_ptes_none' | 'empty' | 'past_eof' | 'charge'
  | 'policy' | 'vma_fit' | 'no_block' | 'partial' | 'fallocated_pmd';

/**
 * Why a block was or was not collapsed. `index` is the block's first page (for VMA-wide results
 * the VMA's first page, `end` the page after it). `folio`: the PMD folio born, or the pinned
 * folio that refused it. `present`: pages present in the block (for `partial`: blocks skipped);
 * `minPresent`: what the caller needs (khugepaged: 512 − max_ptes_none; MADV_COLLAPSE: 1).
 * Mirrors: mm/khugepaged.c madvise_collapse() / khugepaged_scan_mm_slot() → collapse_file().
 */
export interface CollapseDecision {
  readonly type: 'collapse';
  readonly context: 'madvise' | 'khugepaged';
  readonly result: CollapseResult;
  readonly index: number;
  readonly end: number;
  readonly folio: FolioId | null;
  readonly present: number;
  readonly minPresent: number;
}

/** Any decision. */
export type Decision = AllocationDecision | SplitDecision | CollapseDecision;

/** Receives decisions as they are taken; attached only when someone will read them. */
export interface DecisionSink {
  decide(d: Decision): void;
}
