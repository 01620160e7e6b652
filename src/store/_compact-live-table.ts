import { VarintWriter } from './_varint.js';
import type { LiveFolio } from './checkpoints.js';

const EMPTY = 0;
const MIN_CAPACITY = 1024;
/** Slots filled at most 3/4: linear probing stays short. */
const MAX_LOAD = 0.75;

/** A column of unsigned integers: 16 or 32 bits until a value needs more (see `widen`). */
type Column = Uint16Array | Uint32Array | Float64Array;

/**
 * `col`, or a wider copy of it when `value` does not fit its elements: a column starts narrow
 * and widens once, the first time a run needs it (a file id past 65,535, a pgoff or seq past
 * 2^32 - 1). Pure.
 */
function widen(col: Column, value: number): Column {
  if (col instanceof Float64Array || value <= (col instanceof Uint16Array ? 0xffff : 0xffffffff)) return col;
  return value <= 0xffffffff ? Uint32Array.from(col) : Float64Array.from(col);
}

/** A zeroed column of `n` slots as wide as `like`. Pure. */
function columnLike(like: Column, n: number): Column {
  return like instanceof Uint16Array ? new Uint16Array(n) : like instanceof Uint32Array ? new Uint32Array(n) : new Float64Array(n);
}

/**
 * The run writer's live folios, by id: open addressing with linear probing over typed columns
 * (id, file, pgoff, order/uptodate/state, last event seq), 16 bytes a slot while file ids fit
 * 16 bits and pgoffs and seqs 32 (a column widens once when a value does not), so a run of
 * millions of live folios keeps no object per folio. Pins are rare and kept aside. Removal
 * shifts the probe run back (no tombstones). Ids are positive integers below 2^31.
 */
export class CompactLiveTable {
  #mask = MIN_CAPACITY - 1;
  #ids = new Int32Array(MIN_CAPACITY);
  #files: Column = new Uint16Array(MIN_CAPACITY);
  #pgoffs: Column = new Uint32Array(MIN_CAPACITY);
  /** order (bits 0–3), uptodate (bit 4), state code (bits 5–9). */
  #meta = new Uint16Array(MIN_CAPACITY);
  #lastSeqs: Column = new Uint32Array(MIN_CAPACITY);
  readonly #pins = new Map<number, number>();
  /** Live folios. */
  size = 0;
  /** Pages of all live folios. */
  pages = 0;

  /** The slot of live folio `id`, or -1. */
  slot(id: number): number {
    for (let s = this.#hash(id); ; s = (s + 1) & this.#mask) {
      const k = this.#ids[s]!;
      if (k === id) return s;
      if (k === EMPTY) return -1;
    }
  }

  /** Add folio `id`, born at event `seq` in lifecycle state `state`, not uptodate. The caller checks it is not live. */
  born(id: number, file: number, pgoff: number, order: number, state: number, seq: number): void {
    if (!Number.isInteger(id) || id <= 0 || id >= 2 ** 31) throw new RangeError(`folio id ${id} out of range`);
    if (order >= 16 || state >= 32) throw new RangeError(`folio ${id}: order ${order} or state ${state} out of range`);
    if ((this.size + 1) > MAX_LOAD * (this.#mask + 1)) this.#grow();
    this.#files = widen(this.#files, file);
    this.#pgoffs = widen(this.#pgoffs, pgoff);
    this.#lastSeqs = widen(this.#lastSeqs, seq);
    let s = this.#hash(id);
    while (this.#ids[s] !== EMPTY) s = (s + 1) & this.#mask;
    this.#ids[s] = id;
    this.#files[s] = file;
    this.#pgoffs[s] = pgoff;
    this.#meta[s] = order | (state << 5);
    this.#lastSeqs[s] = seq;
    this.size++;
    this.pages += 2 ** order;
  }

  order(slot: number): number {
    return this.#meta[slot]! & 15;
  }

  state(slot: number): number {
    return this.#meta[slot]! >> 5;
  }

  setState(slot: number, state: number): void {
    if (state >= 32) throw new RangeError(`state ${state} out of range`);
    this.#meta[slot] = (this.#meta[slot]! & 31) | (state << 5);
  }

  setUptodate(slot: number): void {
    this.#meta[slot] = this.#meta[slot]! | 16;
  }

  /** `folio_uptodate_cleared` (per-block policy). */
  clearUptodate(slot: number): void {
    this.#meta[slot] = this.#meta[slot]! & ~16;
  }

  setPins(id: number, pins: number): void {
    if (pins === 0) this.#pins.delete(id);
    else this.#pins.set(id, pins);
  }

  /** The seq of the folio's latest event so far. */
  lastSeq(slot: number): number {
    return this.#lastSeqs[slot]!;
  }

  setLastSeq(slot: number, seq: number): void {
    this.#lastSeqs = widen(this.#lastSeqs, seq);
    this.#lastSeqs[slot] = seq;
  }

  /** Remove the folio in `slot`; later folios of its probe run move back. */
  remove(slot: number): void {
    const id = this.#ids[slot]!;
    this.pages -= 2 ** this.order(slot);
    this.#pins.delete(id);
    this.size--;
    let hole = slot;
    for (let s = (slot + 1) & this.#mask; this.#ids[s] !== EMPTY; s = (s + 1) & this.#mask) {
      const home = this.#hash(this.#ids[s]!);
      // The entry at s may fill the hole unless its home lies cyclically in (hole, s].
      if (((s - home) & this.#mask) >= ((s - hole) & this.#mask)) {
        this.#move(s, hole);
        hole = s;
      }
    }
    this.#ids[hole] = EMPTY;
  }

  /** Live folios per order. */
  byOrder(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let s = 0; s <= this.#mask; s++) if (this.#ids[s] !== EMPTY) out[this.order(s)] = (out[this.order(s)] ?? 0) + 1;
    return out;
  }

  /** Every live folio as a `LiveFolio` (for tests and small tables; allocates one object each). */
  *entries(): Generator<LiveFolio> {
    for (let s = 0; s <= this.#mask; s++) {
      const id = this.#ids[s]!;
      if (id === EMPTY) continue;
      const m = this.#meta[s]!;
      yield { id, file: this.#files[s]!, pgoff: this.#pgoffs[s]!, order: m & 15, uptodate: (m & 16) === 0 ? 0 : 1, state: m >> 5, pins: this.#pins.get(id) ?? 0 };
    }
  }

  /**
   * The checkpoint blob of the live folios (checkpoints.ts `encodeCheckpoint`'s format 2: in
   * (file, pgoff, id) order, each the file delta, pgoff, state·32 + uptodate·16 + order, id
   * delta, pins). Sorts slot numbers, not objects.
   */
  checkpoint(format: number): Uint8Array {
    const slots = new Int32Array(this.size);
    let n = 0;
    for (let s = 0; s <= this.#mask; s++) if (this.#ids[s] !== EMPTY) slots[n++] = s;
    const files = this.#files;
    const pgoffs = this.#pgoffs;
    const ids = this.#ids;
    slots.sort((a, b) => files[a]! - files[b]! || pgoffs[a]! - pgoffs[b]! || ids[a]! - ids[b]!);
    const w = new VarintWriter();
    w.uint(format);
    w.uint(n);
    let file = 0;
    let pgoff = 0;
    let id = 0;
    for (const s of slots) {
      const m = this.#meta[s]!;
      const f = files[s]!;
      w.uint(f - file);
      w.uint(f === file ? pgoffs[s]! - pgoff : pgoffs[s]!);
      w.uint((m >> 5) * 32 + (m & 31));
      w.int(ids[s]! - id);
      w.uint(this.#pins.get(ids[s]!) ?? 0);
      file = f;
      pgoff = pgoffs[s]!;
      id = ids[s]!;
    }
    return w.bytes();
  }

  #hash(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> 0 & this.#mask;
  }

  #move(from: number, to: number): void {
    this.#ids[to] = this.#ids[from]!;
    this.#files[to] = this.#files[from]!;
    this.#pgoffs[to] = this.#pgoffs[from]!;
    this.#meta[to] = this.#meta[from]!;
    this.#lastSeqs[to] = this.#lastSeqs[from]!;
  }

  #grow(): void {
    const [ids, files, pgoffs, meta, lastSeqs] = [this.#ids, this.#files, this.#pgoffs, this.#meta, this.#lastSeqs];
    const cap = ids.length * 2;
    this.#mask = cap - 1;
    this.#ids = new Int32Array(cap);
    this.#files = columnLike(files, cap);
    this.#pgoffs = columnLike(pgoffs, cap);
    this.#meta = new Uint16Array(cap);
    this.#lastSeqs = columnLike(lastSeqs, cap);
    for (let s = 0; s < ids.length; s++) {
      const id = ids[s]!;
      if (id === EMPTY) continue;
      let t = this.#hash(id);
      while (this.#ids[t] !== EMPTY) t = (t + 1) & this.#mask;
      this.#ids[t] = id;
      this.#files[t] = files[s]!;
      this.#pgoffs[t] = pgoffs[s]!;
      this.#meta[t] = meta[s]!;
      this.#lastSeqs[t] = lastSeqs[s]!;
    }
  }
}
