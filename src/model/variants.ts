/**
 * The kernel release whose answers the model gives by default: every rule of kernel.md, and
 * for the rules on which builds of 6.18 differ, what this build answers (measured on it).
 */
export const MODELLED_RELEASE = '6.18.44-fc-v1272';

/**
 * Rules on which builds of the same kernel release answer differently, each named after what
 * the other build does, with where it was seen. `foliolog run --variant NAME` and
 * `foliolog conformance --variant NAME` model that build instead of `MODELLED_RELEASE`.
 */
export const KERNEL_VARIANTS = Object.freeze({
  'collapse-passes-fallocated-pmd':
    'MADV_COLLAPSE over a 2 MiB block that holds a not-uptodate (fallocated) PMD folio counts the block as ' +
    'already collapsed: 0, and the folio stays not uptodate (earlier 6.18.44 builds). By default ' +
    '(6.18.44-fc-v1272) that block fails with EINVAL and ends the walk, and nothing changes.',
} as const);

/** The name of a kernel variant. */
export type KernelVariant = keyof typeof KERNEL_VARIANTS;

/** True when `name` names a kernel variant. Pure. */
export function isKernelVariant(name: string): name is KernelVariant {
  return Object.hasOwn(KERNEL_VARIANTS, name);
}
