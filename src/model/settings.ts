import { HPAGE_PMD_ORDER } from './arch.js';
import type { OpResult } from './errno.js';
import { fail, ok } from './errno.js';

/** A tmpfs `huge=` value (and the internal mount's copy of the global knob). */
export type HugeSetting = 'never' | 'always' | 'within_size' | 'advise';
/** Global `shmem_enabled`. */
export type GlobalHugeSetting = HugeSetting | 'deny' | 'force';
/** Per-size `hugepages-<N>kB/shmem_enabled`. */
export type SizeHugeSetting = HugeSetting | 'inherit';

const HUGE_WORDS: readonly string[] = ['never', 'always', 'within_size', 'advise'];

/** True when `word` is a value a tmpfs `huge=` option accepts. Pure. */
export function isHugeSetting(word: string): word is HugeSetting {
  return HUGE_WORDS.includes(word);
}

/** khugepaged knobs with their 6.18 defaults. */
export const KHUGEPAGED_DEFAULTS = Object.freeze({
  defrag: 1, max_ptes_none: 511, max_ptes_swap: 64, max_ptes_shared: 256,
  pages_to_scan: 4096, scan_sleep_millisecs: 10000, alloc_sleep_millisecs: 60000,
});
/** A khugepaged knob name. */
export type KhugepagedKnob = keyof typeof KHUGEPAGED_DEFAULTS;

/** Order of a `hugepages-<N>kB` size name, or -1. Pure. */
export function sizeNameOrder(name: string): number {
  const m = /^hugepages-(\d+)kB$/.exec(name);
  if (!m) return -1;
  const o = Math.log2(Number(m[1]) / 4);
  return Number.isInteger(o) && o >= 1 && o <= HPAGE_PMD_ORDER ? o : -1;
}

/** `"64kB"` for order 4. Pure. */
export function orderSizeName(order: number): string {
  return `${4 << order}kB`;
}

/**
 * The THP controls under /sys/kernel/mm/transparent_hugepage that shmem reads, with the
 * kernel's write validation (kernel.md §1.1). Starts at the kernel's defaults.
 */
export class ThpSettings {
  /** Global `shmem_enabled`. Mirrors: shmem_huge. */
  global: GlobalHugeSetting = 'never';
  /** `huge` of the internal mount: the last global value other than deny/force. */
  shmMntHuge: HugeSetting = 'never';
  /** Per-size settings by order (index 0 unused). */
  readonly perSize: SizeHugeSetting[] = Array.from({ length: HPAGE_PMD_ORDER + 1 },
    (_, o) => (o === HPAGE_PMD_ORDER ? 'inherit' : 'never'));
  readonly khugepaged: Record<KhugepagedKnob, number> = { ...KHUGEPAGED_DEFAULTS };

  /** Orders whose per-size setting is `v`, as a bit mask. Pure. */
  ordersWith(v: SizeHugeSetting): number {
    let m = 0;
    for (let o = 1; o <= HPAGE_PMD_ORDER; o++) if (this.perSize[o] === v) m |= 1 << o;
    return m;
  }

  /**
   * Write one knob as `echo VALUE > FILE` would.
   * @returns 0, or EINVAL for a value the kernel refuses.
   * Mirrors: shmem_enabled_store(), thpsize_shmem_enabled_store(), khugepaged *_store().
   */
  write(key: string, value: string): OpResult {
    if (key === 'shmem_enabled') return this.#writeGlobal(value);
    if (key.startsWith('khugepaged.')) return this.#writeKhugepaged(key.slice(11) as KhugepagedKnob, value);
    const o = sizeNameOrder(key);
    if (o < 0) return fail('EINVAL', `no knob ${key}`);
    return this.#writePerSize(o, value);
  }

  #writeGlobal(value: string): OpResult {
    if (!isHugeSetting(value) && value !== 'deny' && value !== 'force') return fail('EINVAL', `shmem_enabled=${value}`);
    // shmem_parse_huge(): force only while the inherit set is exactly the PMD order.
    if (value === 'force' && this.ordersWith('inherit') !== 1 << HPAGE_PMD_ORDER) {
      return fail('EINVAL', 'force needs the per-size inherit set to be exactly 2048kB');
    }
    this.global = value;
    if (isHugeSetting(value)) this.shmMntHuge = value;
    return ok();
  }

  #writePerSize(o: number, value: string): OpResult {
    if (!isHugeSetting(value) && value !== 'inherit') return fail('EINVAL', `per-size shmem_enabled=${value}`);
    if (value === 'inherit' && this.global === 'force' && o !== HPAGE_PMD_ORDER) {
      return fail('EINVAL', 'a non-PMD size cannot inherit while the global setting is force');
    }
    this.perSize[o] = value;
    return ok();
  }

  #writeKhugepaged(knob: KhugepagedKnob, value: string): OpResult {
    if (!(knob in KHUGEPAGED_DEFAULTS)) return fail('EINVAL', `no knob khugepaged.${knob}`);
    const m = /^\+?(\d+)$/.exec(value); // kstrtoul(buf, 10, ...)
    const n = m ? Number(m[1]) : NaN;
    const max = knob === 'defrag' ? 1 : knob.startsWith('max_ptes_') ? 511 : 0xffffffff;
    const min = knob === 'pages_to_scan' ? 1 : 0;
    if (!Number.isSafeInteger(n) || n < min || n > max) return fail('EINVAL', `khugepaged.${knob}=${value}`);
    this.khugepaged[knob] = n;
    return ok();
  }
}
