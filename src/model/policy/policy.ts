import { PerBlock } from './per-block.js';
import type { PolicySpec } from './spec.js';
import { formatPolicy } from './spec.js';

/**
 * The seam through which the model asks a what-if policy where its proposal differs from 6.18
 * (issue 10). Operations ask it; none names a policy. Under `linux-6.18` every answer is the
 * kernel's own.
 * - `perBlock`: per-block uptodate state (per-block.ts): "is this block uptodate?", "mark
 *   these blocks uptodate". Undefined: a folio is uptodate as a whole, as in 6.18.
 */
export interface Policy {
  /** The spec, as `runs.policy` records it. */
  readonly spec: string;
  readonly perBlock: PerBlock | undefined;
}

/**
 * The policy a run follows, from its spec: the state and answers of each part, combined.
 * Each run gets its own (per-block state belongs to the run).
 *
 * ### Example
 * ```ts
 * policyOf(parsePolicy('per-block')).perBlock // a PerBlock
 * ```
 */
export function policyOf(spec: PolicySpec): Policy {
  const names = new Set(spec.map((p) => p.name));
  return { spec: formatPolicy(spec), perBlock: names.has('per-block') ? new PerBlock() : undefined };
}
