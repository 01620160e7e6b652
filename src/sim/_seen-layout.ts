/** A folio of a kernel run as inferred: the id it was given, where it lies, whether it was uptodate. */
export interface SeenFolio {
  readonly id: number;
  readonly pgoff: number;
  readonly order: number;
  readonly uptodate: 0 | 1;
}

/**
 * A file's last inferred layout, sorted by pgoff, as parallel typed arrays rather than one
 * object per folio: it is compared entry by entry with every new observation of the file
 * (thousands of folios, once per command), and contiguous numbers keep that walk in cache and
 * out of the garbage collector. Immutable: a change makes a new layout.
 */
export class SeenLayout {
  static readonly EMPTY = new SeenLayout(0);
  readonly length: number;
  readonly #pgoff: Float64Array;
  readonly #id: Float64Array;
  readonly #order: Uint8Array;
  readonly #uptodate: Uint8Array;

  private constructor(length: number) {
    this.length = length;
    this.#pgoff = new Float64Array(length);
    this.#id = new Float64Array(length);
    this.#order = new Uint8Array(length);
    this.#uptodate = new Uint8Array(length);
  }

  /** True when entry `k` is the folio `[pgoff, order, uptodate]`. */
  is(k: number, pgoff: number, order: number, uptodate: number): boolean {
    return this.#pgoff[k] === pgoff && this.#order[k] === order && this.#uptodate[k] === uptodate;
  }

  /** Entry `k` as an object. */
  at(k: number): SeenFolio {
    return { id: this.#id[k]!, pgoff: this.#pgoff[k]!, order: this.#order[k]!, uptodate: this.#uptodate[k] === 1 ? 1 : 0 };
  }

  /** This layout with entries `[lo, hi)` replaced by `middle` (sorted, and placed between them). */
  replaced(lo: number, hi: number, middle: readonly SeenFolio[]): SeenLayout {
    const out = new SeenLayout(lo + middle.length + this.length - hi);
    const tail = lo + middle.length;
    for (const [to, from] of [[out.#pgoff, this.#pgoff], [out.#id, this.#id]] as const) {
      to.set(from.subarray(0, lo));
      to.set(from.subarray(hi), tail);
    }
    for (const [to, from] of [[out.#order, this.#order], [out.#uptodate, this.#uptodate]] as const) {
      to.set(from.subarray(0, lo));
      to.set(from.subarray(hi), tail);
    }
    for (const [j, f] of middle.entries()) {
      out.#pgoff[lo + j] = f.pgoff;
      out.#id[lo + j] = f.id;
      out.#order[lo + j] = f.order;
      out.#uptodate[lo + j] = f.uptodate;
    }
    return out;
  }
}
