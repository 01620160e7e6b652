import { HPAGE_PMD_ORDER } from './arch.js';
import type { AllocationDecision, CollapseResult, SplitCause } from './decisions.js';
import type { GlobalHugeSetting, HugeSetting, SizeHugeSetting } from './settings.js';
import type { VmaKind } from './vma.js';

/*
 * Stored integer codes of decisions (the `explanations` table, migrations/0004). Frozen: they
 * are part of the store format, like EVENT_CODES; the migration's lookup rows copy them.
 */

/** `explanations.kind`. */
export const EXPLANATION_KINDS = Object.freeze({ allocation: 1, split: 2, collapse: 3 } as const);

/** `explanations.cause` of an allocation: the lookup that allocated. */
export const SGP_CODES: Readonly<Record<AllocationDecision['sgp'], number>> = Object.freeze({ write: 1, falloc: 2, cache: 3 });

/** `explanations.cause` of a split. */
export const SPLIT_CAUSE_CODES: Readonly<Record<SplitCause, number>> = Object.freeze({
  punch: 1, truncate: 2, unfalloc: 3, reclaim: 4, size_limit: 5, retry: 6, scan: 7,
});

/** `explanations.cause` of a collapse: who collapsed. */
export const COLLAPSE_CONTEXT_CODES = Object.freeze({ madvise: 1, khugepaged: 2 } as const);

/** `explanations.result` of a collapse. */
export const COLLAPSE_RESULT_CODES: Readonly<Record<CollapseResult, number>> = Object.freeze({
  collapsed: 1, pmd: 2, pinned: 3, max_ptes_none: 4, empty: 5, past_eof: 6, charge: 7,
  policy: 8, vma_fit: 9, no_block: 10, partial: 11, fallocated_pmd: 12,
});

/** A huge setting as 3 bits (global, `huge=` and per-size values share one table). */
export const HUGE_SETTING_CODES: Readonly<Record<GlobalHugeSetting | SizeHugeSetting, number>> = Object.freeze({
  never: 0, always: 1, within_size: 2, advise: 3, deny: 4, force: 5, inherit: 6,
});

/** A VMA's vm_ops as 2 bits (0: no VMA). */
export const VMA_KIND_CODES: Readonly<Record<VmaKind, number>> = Object.freeze({ file: 1, anon: 2, sysv: 3 });

/** The settings an allocation read, unpacked from `explanations.settings`. */
export interface AllocationSettings {
  readonly global: GlobalHugeSetting;
  readonly huge: HugeSetting;
  readonly internal: boolean;
  /** null: no VMA (write, fallocate). */
  readonly vmaKind: VmaKind | null;
  readonly hugepage: boolean;
  readonly nohugepage: boolean;
  /** `(vm_start − vm_pgoff) mod 512`, pages. */
  readonly misalign: number;
}

/** Code → name of a frozen code table. Pure. */
export function codeName<K extends string>(table: Readonly<Record<K, number>>, code: number): K | undefined {
  for (const [k, v] of Object.entries(table) as Array<[K, number]>) if (v === code) return k;
  return undefined;
}

/**
 * `explanations.settings` of an allocation: bits 0–2 global `shmem_enabled`, 3–5 the
 * superblock's `huge=`, 6 the internal mount, 7–8 the VMA's kind, 9 VM_HUGEPAGE,
 * 10 VM_NOHUGEPAGE, 11–19 the VMA's misalignment in pages. Pure.
 */
export function packSettings(d: AllocationDecision): number {
  const v = d.vma;
  return HUGE_SETTING_CODES[d.global] | (HUGE_SETTING_CODES[d.huge] << 3) | (d.internal ? 1 << 6 : 0)
    | ((v ? VMA_KIND_CODES[v.kind] : 0) << 7) | (v?.hugepage ? 1 << 9 : 0) | (v?.nohugepage ? 1 << 10 : 0)
    | ((v?.misalign ?? 0) << 11);
}

/** The inverse of {@link packSettings}. Pure. */
export function unpackSettings(n: number): AllocationSettings {
  return {
    global: codeName(HUGE_SETTING_CODES, n & 7) as GlobalHugeSetting,
    huge: codeName(HUGE_SETTING_CODES, (n >> 3) & 7) as HugeSetting,
    internal: (n & (1 << 6)) !== 0,
    vmaKind: codeName(VMA_KIND_CODES, (n >> 7) & 3) ?? null,
    hugepage: (n & (1 << 9)) !== 0,
    nohugepage: (n & (1 << 10)) !== 0,
    misalign: (n >> 11) & 511,
  };
}

/** `explanations.per_size`: 3 bits per order 1…9 (order o at bit 3(o − 1)). Pure. */
export function packPerSize(perSize: readonly SizeHugeSetting[]): number {
  let n = 0;
  for (let o = 1; o <= HPAGE_PMD_ORDER; o++) n |= HUGE_SETTING_CODES[perSize[o] ?? 'never'] << (3 * (o - 1));
  return n;
}

/** The inverse of {@link packPerSize}: settings by order, index 0 unused (`never`). Pure. */
export function unpackPerSize(n: number): SizeHugeSetting[] {
  const out: SizeHugeSetting[] = ['never'];
  for (let o = 1; o <= HPAGE_PMD_ORDER; o++) out.push(codeName(HUGE_SETTING_CODES, (n >> (3 * (o - 1))) & 7) as SizeHugeSetting);
  return out;
}
