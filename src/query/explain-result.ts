import type { CollapseResult, SplitCause } from '../model/index.js';
import type { FolioTriple } from '../script/index.js';

/*
 * The answer of `foliolog explain RUN @OP` (`--json`: one document on one line). Every `why` is
 * the sentence the readable answer prints; the other fields carry the same facts as data.
 */

/** A folio named by explain. */
export interface FolioRef {
  readonly id: number;
  readonly pgoff: number;
  readonly order: number;
}

/** One stage of kernel.md §2's order chain: the orders left after it, those it removed, and why. */
export interface OrderStage {
  readonly stage: 'allowable' | 'within_size' | 'vma' | 'conflicts';
  /** Orders left, highest first. */
  readonly orders: readonly number[];
  /** Orders this stage removed, highest first. */
  readonly removed: readonly number[];
  readonly why: string;
}

/** One order the allocation loop tried, highest first, and what came of it. */
export interface TriedOrder {
  readonly order: number;
  readonly result: 'allocated' | 'size_limit' | 'ENOSPC';
  readonly why: string;
}

/** The huge settings an allocation read. */
export interface AllocationSettings {
  readonly shmem_enabled: string;
  /** The superblock's `huge=`: the tmpfs mount option, or the internal mount's copy of shmem_enabled. */
  readonly huge: string;
  readonly mount: 'tmpfs' | 'internal';
  /** Per-size `shmem_enabled` by size name, for anonymous-shmem VMAs only. */
  readonly per_size: Readonly<Record<string, string>> | null;
  /** The faulting VMA; null for write and fallocate. */
  readonly vma: {
    readonly kind: string; readonly misalign: number; readonly hugepage: boolean; readonly nohugepage: boolean;
    /** File pages the VMA maps, `[first, end)`; known when it removed orders. */
    readonly pages: readonly [number, number] | null;
  } | null;
  /** Bytes the within_size rule read; null when no within_size setting was in play. */
  readonly i_size: bigint | null;
  readonly write_end: bigint | null;
}

/**
 * Folios allocated with one decision (usually one; consecutive allocations of an operation
 * with the same decision and nothing in the way share it).
 */
export interface AllocationExplanation {
  readonly file: string;
  readonly folios: readonly FolioRef[];
  /** The lookup that allocated: `write`, `falloc`, or `fault`. */
  readonly lookup: 'write' | 'falloc' | 'fault';
  /** The page looked up (of the first folio). */
  readonly pgoff: number;
  readonly settings: AllocationSettings;
  readonly stages: readonly OrderStage[];
  readonly tried: readonly TriedOrder[];
  /** The order allocated; null when not even order 0 fitted (ENOSPC). */
  readonly order: number | null;
}

/** An operation that pinned (or unpinned) a folio: `pins` is the change it made. */
export interface PinTaker {
  readonly i: number;
  readonly line: number;
  readonly op: string;
  readonly pins: number;
}

/** One split attempt. */
export interface SplitExplanation {
  readonly file: string;
  readonly folio: FolioRef;
  readonly cause: SplitCause;
  /** The page split around; null for a uniform split (the EOF shrinker). */
  readonly at: number | null;
  readonly ok: boolean;
  readonly why: string;
  /** A refused split: why (the pins and who took them); null when it split. */
  readonly refusal: string | null;
  /** The pieces, in pgoff order; `freed`: gone again before the operation ended. */
  readonly pieces: ReadonlyArray<FolioRef & { readonly freed: boolean }>;
  /** A refused split: the pins the folio held and the operations that took them. */
  readonly pins: { readonly count: number; readonly by: readonly PinTaker[] } | null;
}

/** One block of MADV_COLLAPSE or a khugepaged pass (or a VMA-wide outcome). */
export interface CollapseExplanation {
  readonly file: string;
  readonly context: 'MADV_COLLAPSE' | 'khugepaged';
  readonly result: CollapseResult;
  /** The block's pages (or the VMA's), `[first, end)`. */
  readonly pages: readonly [number, number];
  /** The PMD folio born or met, or the pinned folio that refused it. */
  readonly folio: FolioRef | null;
  /** The folios merged into it. */
  readonly from: readonly FolioRef[];
  readonly why: string;
  readonly pins: { readonly count: number; readonly by: readonly PinTaker[] } | null;
}

/** `foliolog explain RUN @OP`. */
export interface ExplainResult {
  readonly run: number;
  readonly i: number;
  readonly line: number;
  readonly op: string;
  readonly source: 'model' | 'kernel';
  /** Said when explain cannot say why (a kernel run; a run recorded without explanations). */
  readonly note: string | null;
  /** The current file after the operation, and its layout before and after (§2 triples). */
  readonly file: string | null;
  readonly before: readonly FolioTriple[];
  readonly after: readonly FolioTriple[];
  readonly allocations: readonly AllocationExplanation[];
  readonly splits: readonly SplitExplanation[];
  readonly collapses: readonly CollapseExplanation[];
}
