import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import type { Inode } from '../inode.js';
import { FlagReclaim } from './flag-reclaim.js';
import { PerBlock, clearPunchedBlocks } from './per-block.js';
import { ZeropageScan } from './zeropage-scan.js';
import type { PolicySpec } from './spec.js';
import { formatPolicy } from './spec.js';

/** What a policy's own work cost so far in a run (the what-if lab's metrics). 6.18: all 0. */
export interface PolicyWork {
  /** Splits `flag-reclaim` retried on its reclaim candidates (each attempt, successful or not). */
  readonly splitRetries: number;
  /** Pages `zeropage-scan` looked at, over every pass. */
  readonly pagesScanned: number;
  /** Bytes `zeropage-scan` compared with zero (up to each page's first non-zero byte). */
  readonly bytesCompared: number;
  /** Pages `zeropage-scan` freed that held bytes the user wrote (zeros): written data turned into holes. */
  readonly zerosHoled: number;
  /** Bytes of `per-block` state held now (not cumulative). */
  readonly metadataBytes: number;
}

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
   * meant to free, stay allocated (zeroed). 6.18: nothing more; per-block: they stop being
   * uptodate; flag-reclaim: the folio becomes a reclaim candidate.
   */
  punchSplitFailed(ctx: ShmemCtx, inode: Inode, folio: Folio, first: number, end: number): void;
  /** `folio` was split into `pieces` (some may be gone past EOF already). 6.18: nothing. */
  folioSplit(ctx: ShmemCtx, inode: Inode, folio: Folio, pieces: readonly Folio[]): void;
  /** A reclaim pass, after the shrinkers ran: the policy's own work. @returns pages it freed (6.18: 0). */
  reclaim(ctx: ShmemCtx): number;
  /** Whether the policy holds `folio` as a reclaim candidate (its mark is the policy's too). Pure. */
  marksReclaim(folio: Folio): boolean;
  /** A `scan` line: one pass of the policy's scanner. @returns pages it freed (no scanner: 0). */
  scan(ctx: ShmemCtx, inodes: readonly Inode[]): number;
  /** A command ended: periodic work (`every=N`). @returns true when the policy did some. */
  commandEnded(ctx: ShmemCtx, inodes: readonly Inode[]): boolean;
  /** What its work cost so far. Pure. */
  work(): PolicyWork;
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
  const perBlock = names.has('per-block') ? new PerBlock() : undefined;
  const flag = names.has('flag-reclaim') ? new FlagReclaim() : undefined;
  const zero = spec.find((p) => p.name === 'zeropage-scan');
  const scanner = zero === undefined ? undefined : new ZeropageScan(zero.params['every']);
  return {
    spec: formatPolicy(spec),
    perBlock,
    punchSplitFailed: (ctx, inode, folio, first, end) => {
      if (perBlock !== undefined) clearPunchedBlocks(ctx, inode, folio, first, end);
      flag?.splitFailed(ctx, inode, folio, first, end);
    },
    folioSplit: (ctx, inode, folio, pieces) => flag?.split(ctx, inode, folio, pieces),
    reclaim: (ctx) => flag?.reclaim(ctx) ?? 0,
    marksReclaim: (folio) => flag !== undefined && flag.marks(folio),
    scan: (ctx, inodes) => scanner?.scan(ctx, inodes) ?? 0,
    commandEnded: (ctx, inodes) => scanner !== undefined && scanner.commandEnded(ctx, inodes),
    work: () => ({
      splitRetries: flag?.retries ?? 0,
      pagesScanned: scanner?.pagesScanned ?? 0,
      bytesCompared: scanner?.bytesCompared ?? 0,
      zerosHoled: scanner?.zerosHoled ?? 0,
      metadataBytes: perBlock?.metadataBytes ?? 0,
    }),
  };
}
