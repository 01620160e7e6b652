/** Bits of a folio's packed byte: its order, uptodate, live. */
const ORDER_MASK = 0x0f;
const UPTODATE = 0x10;
const LIVE = 0x20;

/** A folio the page cache holds, as `forEachFolio` gives it. */
export interface CachedFolio {
  readonly id: number;
  readonly index: number;
  readonly order: number;
  readonly uptodate: boolean;
}

/**
 * The live folios as the event log describes them, replayed from its events alone, for the
 * oracle to hold against the model's page cache. Compact: typed arrays indexed by folio id
 * (ids are a per-run counter from 1), about 13 bytes per folio ever born, and a page and
 * folio count per file — no object per folio.
 */
export class LiveFolios {
  #file = new Uint32Array(1024);
  #index = new Float64Array(1024);
  #bits = new Uint8Array(1024);
  /** Per file: [live folios, pages they hold]. */
  readonly #counts = new Map<number, [number, number]>();

  #grow(id: number): void {
    // Half again, not twice: a run of millions of folios would leave millions of slots unused.
    const size = Math.max(id + 1, Math.ceil(this.#bits.length * 1.5));
    const file = new Uint32Array(size);
    file.set(this.#file);
    const index = new Float64Array(size);
    index.set(this.#index);
    const bits = new Uint8Array(size);
    bits.set(this.#bits);
    this.#file = file;
    this.#index = index;
    this.#bits = bits;
  }

  #count(file: number, folios: number, pages: number): void {
    const c = this.#counts.get(file);
    if (c) {
      c[0] += folios;
      c[1] += pages;
    } else this.#counts.set(file, [folios, pages]);
  }

  /** `folio_added`. */
  born(id: number, file: number, index: number, order: number): void {
    if (id >= this.#bits.length) this.#grow(id);
    this.#file[id] = file;
    this.#index[id] = index;
    this.#bits[id] = order | LIVE;
    this.#count(file, 1, 2 ** order);
  }

  /** `folio_marked_uptodate`. */
  markedUptodate(id: number): void {
    this.#bits[id]! |= UPTODATE;
  }

  /** `folio_uptodate_cleared` (per-block policy). */
  uptodateCleared(id: number): void {
    this.#bits[id]! &= ~UPTODATE;
  }

  /** The folio's lifecycle reached a final state. */
  ended(id: number): void {
    const bits = this.#bits[id]!;
    this.#bits[id] = bits & ~LIVE;
    this.#count(this.#file[id]!, -1, -(2 ** (bits & ORDER_MASK)));
  }

  /** Pages held by the live folios of `file`. Pure. */
  pagesOf(file: number): number {
    return this.#counts.get(file)?.[1] ?? 0;
  }

  /** The live folios of `file`, `[pgoff, order, uptodate]` by pgoff: O(folios ever born). Pure. */
  foliosOf(file: number): Array<[number, number, 0 | 1]> {
    const out: Array<[number, number, 0 | 1]> = [];
    for (let id = 1; id < this.#bits.length; id++) {
      const bits = this.#bits[id]!;
      if ((bits & LIVE) !== 0 && this.#file[id] === file) out.push([this.#index[id]!, bits & ORDER_MASK, bits & UPTODATE ? 1 : 0]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  /**
   * Whether `file`'s live folios are exactly the folios `forEachFolio` lists (ids, pages,
   * orders and uptodate flags). O(folios listed), no allocation. Pure.
   */
  matches(file: number, forEachFolio: (fn: (f: CachedFolio) => void) => void): boolean {
    let same = true;
    let n = 0;
    forEachFolio((f) => {
      n++;
      const bits = this.#bits[f.id] ?? 0;
      if ((bits & LIVE) === 0 || this.#file[f.id] !== file || this.#index[f.id] !== f.index
        || (bits & ORDER_MASK) !== f.order || ((bits & UPTODATE) !== 0) !== f.uptodate) same = false;
    });
    return same && n === (this.#counts.get(file)?.[0] ?? 0);
  }
}
