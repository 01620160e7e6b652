import { EVENTS_PER_INSERT, FOLIOS_PER_INSERT, type SqlValue, type WriterStatements } from './_statements.js';
import { VarintWriter } from './_varint.js';

/**
 * A folio touched in this batch: its `folios.events` chunk (migration 0005: varint deltas, each
 * from the seq before it) and, once it ends, its end.
 */
interface Touched {
  /** Seqs of its events in this batch after its birth (or after the previous batch). */
  readonly seqs: number[];
  /** The seq the first delta counts from: its birth, or its last event of an earlier batch. */
  readonly from: number;
  ended: { readonly seq: number; readonly state: number | null } | undefined;
}

/**
 * Rows a `RunWriter` has buffered for its next transaction, as positional parameters of the
 * prepared statements (see _statements.ts for column order). Event rows sit in typed columns
 * (null as NaN; an `arg` beyond 2^53 aside as a bigint), so a batch of 10,000 events allocates
 * no row objects.
 */
export class PendingRows {
  readonly files: SqlValue[][] = [];
  /** Folios born in this batch, by id: the row to insert, its events blob filled in at the end. */
  readonly folios = new Map<number, SqlValue[]>();
  /** Folios with events in this batch, by id. */
  readonly touched = new Map<number, Touched>();
  readonly operations: SqlValue[][] = [];
  readonly checkpoints: SqlValue[][] = [];
  readonly blocks: SqlValue[][] = [];
  readonly explanations: SqlValue[][] = [];
  /** Event rows buffered. */
  events = 0;
  readonly #cols: Float64Array[];
  readonly #bigArgs = new Map<number, bigint>();
  /** The parameters of one multi-row event insert, reused. */
  readonly #params: SqlValue[] = new Array<SqlValue>(EVENTS_PER_INSERT * 8);

  constructor(capacity: number) {
    this.#cols = Array.from({ length: 7 }, () => new Float64Array(capacity));
  }

  /** Whether the event columns are full. */
  get full(): boolean {
    return this.events >= this.#cols[0]!.length;
  }

  /** Buffer one event row. */
  event(seq: number, i: number, folio: number | null, event: number, from: number | null, to: number | null, arg: bigint | number | null): void {
    const k = this.events++;
    const [s, ii, f, e, fr, t, a] = this.#cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    s[k] = seq;
    ii[k] = i;
    f[k] = folio ?? NaN;
    e[k] = event;
    fr[k] = from ?? NaN;
    t[k] = to ?? NaN;
    if (arg === null) a[k] = NaN;
    else if (typeof arg === 'number') a[k] = arg;
    else if (arg >= -(2n ** 53n) && arg <= 2n ** 53n) a[k] = Number(arg);
    else {
      a[k] = NaN;
      this.#bigArgs.set(k, arg);
    }
  }

  /** The event-log hash lines of the buffered events (rows.ts `eventLine`). */
  hashText(): string {
    const [s, ii, f, e, fr, t, a] = this.#cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let text = '';
    for (let k = 0; k < this.events; k++) {
      text += `[${s[k]},${ii[k]},${num(f[k]!)},${e[k]},${num(fr[k]!)},${num(t[k]!)},${this.#bigArgs.get(k) ?? num(a[k]!)}]\n`;
    }
    return text;
  }

  /** Record that live folio `id` had event `seq`; `from` is the seq its next delta counts from. */
  folioEvent(id: number, seq: number, from: number): void {
    let t = this.touched.get(id);
    if (t === undefined) {
      t = { seqs: [], from, ended: undefined };
      this.touched.set(id, t);
    }
    t.seqs.push(seq);
  }

  /** Record that folio `id` ended at event `seq` in lifecycle state `state` (after `folioEvent`). */
  folioEnded(id: number, seq: number, state: number | null): void {
    this.touched.get(id)!.ended = { seq, state };
  }

  /** Run the inserts; the caller holds the transaction. Files first: folios and operations reference them. */
  writeTo(s: WriterStatements, runId: number): void {
    for (const r of this.files) s.insertFile.run(...r);
    const many: SqlValue[] = [];
    for (const [id, row] of this.folios) {
      const t = this.touched.get(id);
      row[10] = t === undefined ? EMPTY : chunk(t);
      if (t?.ended !== undefined) {
        row[7] = t.ended.seq;
        row[8] = t.ended.state;
      }
      many.push(...row);
      if (many.length === FOLIOS_PER_INSERT * 11) {
        s.insertFolios.run(...many);
        many.length = 0;
      }
    }
    for (let k = 0; k < many.length; k += 11) s.insertFolio.run(...many.slice(k, k + 11));
    for (const [id, t] of this.touched) {
      if (this.folios.has(id)) continue;
      if (t.ended === undefined) s.appendFolioEvents.run(chunk(t), runId, id);
      else s.endFolio.run(t.ended.seq, t.ended.state, chunk(t), runId, id);
    }
    const [sq, ii, f, e, fr, t, a] = this.#cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const params = this.#params;
    let k = 0;
    for (; k + EVENTS_PER_INSERT <= this.events; k += EVENTS_PER_INSERT) {
      for (let j = 0; j < EVENTS_PER_INSERT; j++) this.#bindEvent(params, j * 8, k + j, runId, sq, ii, f, e, fr, t, a);
      s.insertEvents.run(...params);
    }
    const one: SqlValue[] = new Array<SqlValue>(8);
    for (; k < this.events; k++) {
      this.#bindEvent(one, 0, k, runId, sq, ii, f, e, fr, t, a);
      s.insertEvent.run(...one);
    }
    for (const r of this.operations) s.insertOperation.run(...r);
    for (const r of this.checkpoints) s.insertCheckpoint.run(...r);
    for (const r of this.blocks) s.insertBlock.run(...r);
    for (const r of this.explanations) s.insertExplanation.run(...r);
  }

  #bindEvent(out: SqlValue[], o: number, k: number, runId: number, sq: Float64Array, ii: Float64Array, f: Float64Array, e: Float64Array,
    fr: Float64Array, t: Float64Array, a: Float64Array): void {
    out[o] = runId;
    out[o + 1] = sq[k]!;
    out[o + 2] = ii[k]!;
    out[o + 3] = orNull(f[k]!);
    out[o + 4] = e[k]!;
    out[o + 5] = orNull(fr[k]!);
    out[o + 6] = orNull(t[k]!);
    out[o + 7] = (this.#bigArgs.size === 0 ? undefined : this.#bigArgs.get(k)) ?? orNull(a[k]!);
  }

  /** Empty the batch for the next one (the columns are reused). */
  clear(): void {
    this.files.length = 0;
    this.folios.clear();
    this.touched.clear();
    this.operations.length = 0;
    this.checkpoints.length = 0;
    this.blocks.length = 0;
    this.explanations.length = 0;
    this.events = 0;
    this.#bigArgs.clear();
  }
}

const EMPTY = new Uint8Array(0);

function chunk(t: Touched): Uint8Array {
  const w = new VarintWriter();
  let prev = t.from;
  for (const s of t.seqs) {
    w.uint(s - prev);
    prev = s;
  }
  return w.bytes();
}

function orNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

function num(x: number): string {
  return Number.isNaN(x) ? 'null' : String(x);
}
