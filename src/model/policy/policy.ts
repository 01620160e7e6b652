import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import type { Inode } from '../inode.js';
import { FlagReclaim } from './flag-reclaim.js';
import { PerBlock } from './per-block.js';
import { ZeropageScan } from './zeropage-scan.js';
import type { PolicySpec } from './spec.js';
import { formatPolicy } from './spec.js';

/**
 * The seam through which the model asks a what-if policy where its proposal differs from 6.18
 * (issue 10). Operations ask it; none names a policy. Under `linux-6.18` every answer is the
 * kernel's own: no per-block state, nothing done after a failed split, nothing more to reclaim,
 * no scanner.
 */
export interface Policy {
  /** The spec, as `runs.policy` records it. */
  readonly spec: string;
  /**
   * Per-block uptodate state (per-block.ts): "is this block uptodate?", "mark these blocks
   * uptodate". Undefined: a folio is uptodate as a whole, as in 6.18.
   */
  readonly perBlock: PerBlock | undefined;
  /**
   * A punch or truncate could not split `folio` (pinned): pages [first, end) of it, which it
   * meant to free, stay allocated (zeroed). 6.18: nothing more.
   */
  punchSplitFailed(ctx: ShmemCtx, inode: Inode, folio: Folio, first: number, end: number): void;
  /** A reclaim pass, after the shrinkers ran: the policy's own work. @returns pages it freed (6.18: 0). */
  reclaim(ctx: ShmemCtx): number;
  /** Whether the policy holds `folio` as a reclaim candidate (its mark is the policy's too). Pure. */
  marksReclaim(folio: Folio): boolean;
  /** A `scan` line: one pass of the policy's scanner. @returns pages it freed (no scanner: 0). */
  scan(ctx: ShmemCtx, inodes: readonly Inode[]): number;
  /** A command ended: periodic work (`every=N`). @returns true when the policy did some. */
  commandEnded(ctx: ShmemCtx, inodes: readonly Inode[]): boolean;
}

/**
 * The policy a run follows, from its spec: the state and answers of each part, combined.
 * Each run gets its own (per-block state, reclaim candidates belong to the run).
 *
 * ### Example
 * ```ts
 * policyOf(parsePolicy('per-block+flag-reclaim')).perBlock // a PerBlock
 * ```
 */
export function policyOf(spec: PolicySpec): Policy {
  const names = new Set(spec.map((p) => p.name));
  const flag = names.has('flag-reclaim') ? new FlagReclaim() : undefined;
  const zero = spec.find((p) => p.name === 'zeropage-scan');
  const scanner = zero === undefined ? undefined : new ZeropageScan(zero.params['every']);
  return {
    spec: formatPolicy(spec),
    perBlock: names.has('per-block') ? new PerBlock() : undefined,
    punchSplitFailed: (ctx, inode, folio, first, end) => flag?.splitFailed(ctx, inode, folio, first, end),
    reclaim: (ctx) => flag?.reclaim(ctx) ?? 0,
    marksReclaim: (folio) => flag !== undefined && flag.marks(folio),
    scan: (ctx, inodes) => scanner?.scan(ctx, inodes) ?? 0,
    commandEnded: (ctx, inodes) => scanner !== undefined && scanner.commandEnded(ctx, inodes),
  };
}
