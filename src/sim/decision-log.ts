import type { AllocationDecision, CollapseDecision, Decision, DecisionSink, SplitDecision } from '../model/index.js';
import {
  COLLAPSE_CONTEXT_CODES, COLLAPSE_RESULT_CODES, EXPLANATION_KINDS, SGP_CODES, SPLIT_CAUSE_CODES, packPerSize, packSettings,
} from '../model/index.js';
import type { ExplanationRecord } from './recorder.js';

type Row = { -readonly [K in keyof ExplanationRecord]: ExplanationRecord[K] };

const NONE = {
  folio: null, nr: null, pgoff: null, cause: null, result: null, settings: null, perSize: null, globalOrders: null,
  allowableOrders: null, vmaOrders: null, suitableOrders: null, iSize: null, writeEnd: null, vmaStart: null, vmaEnd: null,
} as const;

/** True when the allocation read i_size/write_end: a within_size setting was in play. Pure. */
function readsSize(d: AllocationDecision): boolean {
  const sb = d.huge === 'within_size' && d.global !== 'deny' && d.global !== 'force';
  return sb || (d.perSize?.includes('within_size') ?? false);
}

/**
 * An allocation as a row: only what cannot be recomputed. A stage's mask is null when it
 * equals the previous stage's; the page looked up is null when it is the folio's first page;
 * i_size/write_end only when a within_size setting read them; the VMA's pages only when it
 * removed orders. One literal, no spreads: this runs once per allocation. Pure.
 */
function allocationRow(i: number, d: AllocationDecision): Row {
  const size = readsSize(d);
  const vmaCut = d.vmaOrders !== d.allowableOrders;
  return {
    i, n: 0, kind: EXPLANATION_KINDS.allocation, folio: d.folio, nr: null,
    pgoff: d.folio !== null && d.index === d.folioIndex ? null : d.index,
    cause: SGP_CODES[d.sgp], result: null, settings: packSettings(d), perSize: d.perSize ? packPerSize(d.perSize) : null,
    globalOrders: d.globalOrders,
    allowableOrders: d.allowableOrders === d.globalOrders ? null : d.allowableOrders,
    vmaOrders: vmaCut ? d.vmaOrders : null,
    suitableOrders: d.suitableOrders === d.vmaOrders ? null : d.suitableOrders,
    iSize: size ? d.iSize : null, writeEnd: size && d.writeEnd !== 0n ? d.writeEnd : null,
    vmaStart: vmaCut ? d.vma!.start : null, vmaEnd: vmaCut ? d.vma!.end : null,
  };
}

/**
 * A split attempt as a row: the page split around (null: uniform); result 1 split (around the
 * range's first page), 2 split around the page after the range, 0 refused, with `nr` the pins
 * that refused it. Pure.
 */
function splitRow(i: number, d: SplitDecision): Row {
  // One literal, no spread of NONE: a spread copies key by key, and this runs once per split.
  return {
    i, n: 0, kind: EXPLANATION_KINDS.split, folio: d.folio, nr: d.ok ? null : d.pins, pgoff: d.at,
    cause: SPLIT_CAUSE_CODES[d.cause], result: !d.ok ? 0 : d.afterRange ? 2 : 1, settings: null, perSize: null,
    globalOrders: null, allowableOrders: null, vmaOrders: null, suitableOrders: null, iSize: null, writeEnd: null,
    vmaStart: null, vmaEnd: null,
  };
}

/** A collapse outcome as a row (a VMA-wide one keeps the VMA's end page). Pure. */
function collapseRow(i: number, d: CollapseDecision): Row {
  const wide = d.result === 'policy' || d.result === 'vma_fit' || d.result === 'no_block' || d.result === 'partial';
  return {
    ...NONE, i, n: 0, kind: EXPLANATION_KINDS.collapse, folio: d.folio, pgoff: d.index, nr: d.present,
    cause: COLLAPSE_CONTEXT_CODES[d.context], result: COLLAPSE_RESULT_CODES[d.result],
    settings: d.result === 'max_ptes_none' ? d.minPresent : null, vmaEnd: wide ? d.end : null,
  };
}

/** True when two VMAs look alike to order selection (both absent, or the same facts). Pure. */
function sameVma(a: AllocationDecision['vma'], b: AllocationDecision['vma']): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && a.start === b.start && a.end === b.end && a.misalign === b.misalign
    && a.hugepage === b.hugepage && a.nohugepage === b.nohugepage;
}

/** True when the per-size settings are the same (both absent, or equal order by order). Pure. */
function samePerSize(a: AllocationDecision['perSize'], b: AllocationDecision['perSize']): boolean {
  if (a === null || b === null) return a === b;
  return a.every((v, o) => v === b[o]);
}

/**
 * True when allocation `b`, made right after `a` (a decision whose row may grow), would get the
 * same row but for its folio: it looked up its folio's first page, nothing was in its way, and
 * every value and mask it read is the same. Compared before building a row, which most
 * allocations of a long run never need. Pure.
 */
function alike(a: AllocationDecision, b: AllocationDecision): boolean {
  return b.index === b.folioIndex && b.suitableOrders === b.vmaOrders && b.order === a.order && b.sgp === a.sgp
    && b.global === a.global && b.huge === a.huge && b.internal === a.internal && b.globalOrders === a.globalOrders
    && b.allowableOrders === a.allowableOrders && b.vmaOrders === a.vmaOrders && sameVma(a.vma, b.vma)
    && samePerSize(a.perSize, b.perSize) && (!readsSize(b) || (a.iSize === b.iSize && a.writeEnd === b.writeEnd));
}

/**
 * The simulator's DecisionSink: turns the model's decisions into `explanations` rows, numbered
 * `n` within their operation, and hands them to the recorder. Consecutive allocations of one
 * operation with the same decision and no folio in the way (`pwrite 0 1g` on `huge=never`: a
 * quarter million order-0 folios) share one row that counts them (`nr`), which keeps the table
 * to a few bytes per event. Call `flush()` at the end of each operation.
 */
export class DecisionLog implements DecisionSink {
  /** Command index stamped on the rows. */
  i = 0;
  readonly #out: (row: ExplanationRecord) => void;
  /** The allocation row that may still grow, and the decision it was made from. */
  #held: Row | undefined;
  #heldDecision: AllocationDecision | undefined;
  #rowI = -1;
  #n = 0;

  constructor(out: (row: ExplanationRecord) => void) {
    this.#out = out;
  }

  /** @inheritdoc */
  decide(d: Decision): void {
    if (d.type !== 'allocation') {
      this.flush();
      this.#emit(d.type === 'split' ? splitRow(this.i, d) : collapseRow(this.i, d));
      return;
    }
    const held = this.#held;
    if (held !== undefined && held.i === this.i && d.folio === held.folio! + (held.nr ?? 1) && alike(this.#heldDecision!, d)) {
      held.nr = (held.nr ?? 1) + 1;
      return;
    }
    this.flush();
    const row = allocationRow(this.i, d);
    // Only a row nothing was in the way of may grow: conflicts are looked up per folio.
    if (row.folio !== null && row.pgoff === null && row.suitableOrders === null) {
      this.#held = row;
      this.#heldDecision = d;
    } else this.#emit(row);
  }

  /** Hand over the row still growing, if any. */
  flush(): void {
    const held = this.#held;
    this.#held = undefined;
    this.#heldDecision = undefined;
    if (held !== undefined) this.#emit(held);
  }

  #emit(row: Row): void {
    if (row.i !== this.#rowI) {
      this.#rowI = row.i;
      this.#n = 0;
    }
    row.n = this.#n++;
    this.#out(row);
  }
}
