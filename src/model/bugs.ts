import type { PolicySpec } from './policy/spec.js';
import { withPolicy } from './policy/spec.js';

/**
 * Bug switches (issue 9, `--bug NAME`): each puts back a real class of shmem bug, in 6.18
 * terms, so that the oracle's named check can be shown to catch it:
 * - `fault-during-punch`: a fault does not wait for a punch in progress over its page, so it
 *   can refill the hole between the punch's passes (caught by `punch-empties-range`);
 * - `punch-no-zero`: a punch whose split fails does not zero the punched part of the folio
 *   (caught by `byte-model`);
 * - `fault-size-hint`: a fault allocates the largest aligned, conflict-free order whose block
 *   fits under i_size, up to PMD, ignoring the controls (i_size as the size hint, 2023 v1;
 *   caught by `new-folio-order`);
 * - `fault-clears-partial`: with per-block uptodate state (the 2024 series "shmem: add
 *   per-block uptodate tracking for large folios", before its patches 04–05), a fault on a
 *   partly uptodate large folio zeroes every page of it, written ones included (caught by
 *   `byte-model`). 6.18 has no partly uptodate folio, so this switch turns per-block state on
 *   (`policyForBugs`).
 */
export const BUG_NAMES = ['fault-during-punch', 'punch-no-zero', 'fault-size-hint', 'fault-clears-partial'] as const;

/** One bug switch's name. */
export type BugName = (typeof BUG_NAMES)[number];

/** Whether `s` names a bug switch. Pure. */
export function isBugName(s: string): s is BugName {
  return (BUG_NAMES as readonly string[]).includes(s);
}

/** The switches in force: one flag each (the operations test them on their hot paths). */
export interface Bugs {
  readonly faultDuringPunch: boolean;
  readonly punchNoZero: boolean;
  readonly faultSizeHint: boolean;
  readonly faultClearsPartial: boolean;
}

/** The switches of `names`. Pure. */
export function bugsOf(names: readonly BugName[]): Bugs {
  return {
    faultDuringPunch: names.includes('fault-during-punch'),
    punchNoZero: names.includes('punch-no-zero'),
    faultSizeHint: names.includes('fault-size-hint'),
    faultClearsPartial: names.includes('fault-clears-partial'),
  };
}

/**
 * The policy a run with the switches `names` follows: `spec`, with `per-block` added when a
 * switch needs per-block uptodate state (`fault-clears-partial`: a 6.18 folio is never partly
 * uptodate). Pure.
 */
export function policyForBugs(spec: PolicySpec, names: readonly BugName[]): PolicySpec {
  return names.includes('fault-clears-partial') ? withPolicy(spec, 'per-block') : spec;
}
