import {
  BLOCK_COLUMNS, CHECKPOINT_COLUMNS, EVENTS_PER_INSERT, EVENT_COLUMNS, EXPLANATION_COLUMNS, FILE_COPY_COLUMNS, FOLIOS_PER_INSERT,
  FOLIO_COLUMNS, OPERATION_COLUMNS, type SqlValue, type WriterStatements,
} from './_statements.js';
import { VarintWriter } from './_varint.js';

/** Folio columns per row of `insertFolios` (_statements.ts FOLIO_COLUMNS). */
const FOLIO_WIDTH = 11;

/**
 * Rows a `RunWriter` has buffered for its next transaction, as positional parameters of the
 * prepared statements (see _statements.ts for column order). Event rows, the folios born in
 * the batch and the folio events of the batch sit in typed columns (null as NaN; an `arg`
 * beyond 2^53 aside as a bigint), so a batch of 10,000 events allocates no object per event or
 * per folio: nothing of it outlives the batch to be promoted to the old generation, where it
 * would stay as garbage until a full collection (a run of millions of folios would hold
 * hundreds of MB of it).
 */
export class PendingRows {
  readonly files: SqlValue[][] = [];
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

  /** Folios born in this batch: id, file, pgoff, order, parent (NaN: none), born seq. */
  readonly #born: Float64Array[];
  #nBorn = 0;
  /**
   * Events of live folios after their birth, in this batch: seq, the seq its delta counts from
   * (its birth, or its previous event) and its ended state (NaN: not ended; -1: ended with no
   * state); `#nextTouch` chains each to the next event of the same folio (-1: none), from the
   * folio's first in `#firstTouch`; `#touchIds` holds each event's folio.
   */
  readonly #touch: Float64Array[];
  readonly #nextTouch: Int32Array;
  #nTouch = 0;
  readonly #firstTouch: FirstIndex;
  readonly #touchIds: Float64Array;
  /** The last event of each chain, at its first event's index. */
  readonly #lastTouch: Int32Array;
  readonly #blob = new VarintWriter();

  constructor(capacity: number) {
    this.#cols = Array.from({ length: 7 }, () => new Float64Array(capacity));
    this.#born = Array.from({ length: 6 }, () => new Float64Array(capacity));
    this.#touch = Array.from({ length: 3 }, () => new Float64Array(capacity));
    this.#nextTouch = new Int32Array(capacity);
    this.#lastTouch = new Int32Array(capacity);
    this.#touchIds = new Float64Array(capacity);
    this.#firstTouch = new FirstIndex(capacity);
  }

  /** Buffer the row of folio `id`, born at event `seq` (its ended seq and events come later). */
  born(id: number, file: number, pgoff: number, order: number, parent: number | null, seq: number): void {
    const k = this.#nBorn++;
    const [i, f, p, o, pa, s] = this.#born as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    i[k] = id;
    f[k] = file;
    p[k] = pgoff;
    o[k] = order;
    pa[k] = parent ?? NaN;
    s[k] = seq;
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
    const k = this.#nTouch++;
    const [seqs, froms, ends] = this.#touch as [Float64Array, Float64Array, Float64Array];
    seqs[k] = seq;
    froms[k] = from;
    ends[k] = NaN;
    this.#nextTouch[k] = -1;
    this.#touchIds[k] = id;
    const first = this.#firstTouch.get(id);
    if (first < 0) {
      this.#firstTouch.set(id, k);
      this.#lastTouch[k] = k;
    } else {
      this.#nextTouch[this.#lastTouch[first]!] = k;
      this.#lastTouch[first] = k;
    }
  }

  /** Record that folio `id` ended in lifecycle state `state` at its event just recorded (`folioEvent`). */
  folioEnded(id: number, state: number | null): void {
    this.#touch[2]![this.#lastTouch[this.#firstTouch.get(id)]!] = state ?? -1;
  }

  /** The `folios.events` chunk of the chain from event `k`: varint deltas, the first from its `from`. */
  #chunk(k: number): Uint8Array {
    const w = this.#blob;
    const seqs = this.#touch[0]!;
    w.reset();
    let prev = this.#touch[1]![k]!;
    for (; k >= 0; k = this.#nextTouch[k]!) {
      w.uint(seqs[k]! - prev);
      prev = seqs[k]!;
    }
    return w.bytes();
  }

  /** The ended seq and state (null: none) of the chain from event `k`, or undefined while live. */
  #end(k: number): readonly [number, number | null] | undefined {
    const last = this.#lastTouch[k]!;
    const state = this.#touch[2]![last]!;
    return Number.isNaN(state) ? undefined : [this.#touch[0]![last]!, state === -1 ? null : state];
  }

  /** Run the inserts; the caller holds the transaction. Files first: folios and operations reference them. */
  writeTo(s: WriterStatements, runId: number, inferred: 0 | 1): void {
    for (const r of this.files) s.insertFile.run(...r);
    const many: SqlValue[] = new Array<SqlValue>(FOLIOS_PER_INSERT * FOLIO_WIDTH);
    const [bi, bf, bp, bo, bpa, bs] = this.#born as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let m = 0;
    for (let k = 0; k < this.#nBorn; k++) {
      const first = this.#firstTouch.get(bi[k]!);
      const end = first < 0 ? undefined : this.#end(first);
      many[m] = runId;
      many[m + 1] = bi[k]!;
      many[m + 2] = bf[k]!;
      many[m + 3] = bp[k]!;
      many[m + 4] = bo[k]!;
      many[m + 5] = orNull(bpa[k]!);
      many[m + 6] = bs[k]!;
      many[m + 7] = end?.[0] ?? null;
      many[m + 8] = end?.[1] ?? null;
      many[m + 9] = inferred;
      many[m + 10] = first < 0 ? EMPTY : this.#chunk(first);
      m += FOLIO_WIDTH;
      if (m === many.length) {
        s.insertFolios.run(...many);
        m = 0;
      }
    }
    for (let k = 0; k < m; k += FOLIO_WIDTH) s.insertFolio.run(...many.slice(k, k + FOLIO_WIDTH));
    // A folio's first event in the batch counts from its previous event: one of this batch only
    // when that was its birth, so the folio was inserted above with its events.
    const batchStart = this.#cols[0]![0]!;
    for (let first = 0; first < this.#nTouch; first++) {
      const id = this.#touchIds[first]!;
      // Each folio once, at its first event of the batch (the order folios were first touched).
      if (this.#firstTouch.get(id) !== first || this.#touch[1]![first]! >= batchStart) continue;
      const end = this.#end(first);
      if (end === undefined) s.appendFolioEvents.run(this.#chunk(first), runId, id);
      else s.endFolio.run(end[0], end[1], this.#chunk(first), runId, id);
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

  /**
   * Hand the batch to a backend that takes whole tables at once (PostgreSQL's COPY): each
   * table's rows as COPY text lines (`sink.line`), files first, in the order `writeTo` inserts
   * them. The events appended to folios born before the batch go to `folio_appends` (id, the
   * `folios.events` chunk, ended seq and state, or nulls while live), for the backend to apply
   * in one statement.
   */
  copyTo(sink: CopySink, runId: number, inferred: 0 | 1): void {
    const line = (row: readonly SqlValue[]): string => sink.line(row);
    const lines = (rows: readonly SqlValue[][]): string => rows.map(line).join('');
    if (this.files.length > 0) sink.copy('files', FILE_COPY_COLUMNS, lines(this.files));
    const [bi, bf, bp, bo, bpa, bs] = this.#born as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let folios = '';
    for (let k = 0; k < this.#nBorn; k++) {
      const first = this.#firstTouch.get(bi[k]!);
      const end = first < 0 ? undefined : this.#end(first);
      folios += line([runId, bi[k]!, bf[k]!, bp[k]!, bo[k]!, orNull(bpa[k]!), bs[k]!, end?.[0] ?? null, end?.[1] ?? null,
        inferred, first < 0 ? EMPTY : this.#chunk(first)]);
    }
    if (folios !== '') sink.copy('folios', FOLIO_COLUMNS, folios);
    const batchStart = this.#cols[0]![0]!;
    let appends = '';
    for (let first = 0; first < this.#nTouch; first++) {
      const id = this.#touchIds[first]!;
      if (this.#firstTouch.get(id) !== first || this.#touch[1]![first]! >= batchStart) continue;
      const end = this.#end(first);
      appends += line([id, this.#chunk(first), end === undefined ? 0 : 1, end?.[0] ?? null, end?.[1] ?? null]);
    }
    if (appends !== '') sink.folioAppends(appends);
    const [sq, ii, f, e, fr, t, a] = this.#cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const one: SqlValue[] = new Array<SqlValue>(8);
    let events = '';
    for (let k = 0; k < this.events; k++) {
      this.#bindEvent(one, 0, k, runId, sq, ii, f, e, fr, t, a);
      events += line(one);
    }
    if (events !== '') sink.copy('events', EVENT_COLUMNS, events);
    if (this.operations.length > 0) sink.copy('operations', OPERATION_COLUMNS, lines(this.operations));
    if (this.checkpoints.length > 0) sink.copy('checkpoints', CHECKPOINT_COLUMNS, lines(this.checkpoints));
    if (this.blocks.length > 0) sink.copy('operation_blocks', BLOCK_COLUMNS, lines(this.blocks));
    if (this.explanations.length > 0) sink.copy('explanations', EXPLANATION_COLUMNS, lines(this.explanations));
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
    this.#nBorn = 0;
    this.#nTouch = 0;
    this.#firstTouch.clear();
    this.operations.length = 0;
    this.checkpoints.length = 0;
    this.blocks.length = 0;
    this.explanations.length = 0;
    this.events = 0;
    this.#bigArgs.clear();
  }
}

const EMPTY = new Uint8Array(0);

/** Where `copyTo` hands a batch: whole tables as COPY text. */
export interface CopySink {
  /** One row as a line of the backend's COPY text, with its newline. */
  line(row: readonly SqlValue[]): string;
  /** Rows of `table`, `columns` (a column list) in order, one `line` each. */
  copy(table: string, columns: string, lines: string): void;
  /** Lines of (folio id, events chunk, ended 0/1, ended seq, ended state) for folios born before the batch. */
  folioAppends(lines: string): void;
}


/**
 * Folio id → index of its first event in the batch: open addressing over typed arrays, sized
 * once for a whole batch and emptied between batches. (A Map cleared per batch regrows its hash
 * table each time, and its larger tables land in the old generation as garbage: ~1 MB a batch.)
 */
class FirstIndex {
  readonly #keys: Int32Array;
  readonly #vals: Int32Array;
  readonly #mask: number;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#keys = new Int32Array(size);
    this.#vals = new Int32Array(size);
    this.#mask = size - 1;
  }

  /** The index stored for `id` (a positive integer below 2^31), or -1. */
  get(id: number): number {
    for (let s = Math.imul(id, 0x9e3779b1) >>> 0 & this.#mask; ; s = (s + 1) & this.#mask) {
      const k = this.#keys[s]!;
      if (k === id) return this.#vals[s]!;
      if (k === 0) return -1;
    }
  }

  /** Store `value` for `id`, which is not stored yet. */
  set(id: number, value: number): void {
    let s = Math.imul(id, 0x9e3779b1) >>> 0 & this.#mask;
    while (this.#keys[s] !== 0) s = (s + 1) & this.#mask;
    this.#keys[s] = id;
    this.#vals[s] = value;
  }

  clear(): void {
    this.#keys.fill(0);
  }
}

function orNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

function num(x: number): string {
  return Number.isNaN(x) ? 'null' : String(x);
}
