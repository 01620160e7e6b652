/*
 * The encoded form of a model decision, one row of the `explanations` table (migration 0004):
 * the simulator builds it (src/sim/decision-log.ts), the store writes and reads it. Types only.
 */

/**
 * An `explanations` row: a decision of the model, keyed by operation `i` and order `n`; null
 * where a kind has no value. Which columns a kind uses is documented in
 * migrations/0004_create_explanations.ts (and the README).
 */
export interface ExplanationRow {
  readonly i: number;
  readonly n: number;
  /** `EXPLANATION_KINDS` code. */
  readonly kind: number;
  readonly folio: number | null;
  readonly nr: number | null;
  readonly pgoff: number | null;
  readonly cause: number | null;
  readonly result: number | null;
  readonly settings: number | null;
  readonly perSize: number | null;
  readonly globalOrders: number | null;
  readonly allowableOrders: number | null;
  readonly vmaOrders: number | null;
  readonly suitableOrders: number | null;
  /** Bytes, exact. */
  readonly iSize: bigint | null;
  readonly writeEnd: bigint | null;
  readonly vmaStart: number | null;
  readonly vmaEnd: number | null;
}
