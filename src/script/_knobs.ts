/**
 * The sysfs knob names a `thp` line may write (product.md §1). Values are not checked here:
 * the model answers EINVAL as the kernel does.
 */

/** Sizes with a `hugepages-<N>kB` folder, in kB: every mTHP size on x86-64, 8kB…2048kB. */
export const HUGEPAGES_KB: readonly number[] = [8, 16, 32, 64, 128, 256, 512, 1024, 2048];

/** Knobs under `/sys/kernel/mm/transparent_hugepage/khugepaged/`, without the prefix. */
export const KHUGEPAGED_KNOBS: readonly string[] = [
  'defrag',
  'max_ptes_none',
  'max_ptes_swap',
  'max_ptes_shared',
  'pages_to_scan',
  'scan_sleep_millisecs',
  'alloc_sleep_millisecs',
];

/** Every knob name, in product.md §1 order. */
export const KNOB_NAMES: readonly string[] = [
  'shmem_enabled',
  ...HUGEPAGES_KB.map((kb) => `hugepages-${kb}kB`),
  ...KHUGEPAGED_KNOBS.map((k) => `khugepaged.${k}`),
];

const KNOBS: ReadonlySet<string> = new Set(KNOB_NAMES);

/** Whether `key` names a knob a `thp` line may write. Pure. */
export function isKnob(key: string): boolean {
  return KNOBS.has(key);
}
