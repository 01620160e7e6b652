/**
 * Parts of a layout as product.md §2 compares it, each hashed under its own tag so that a unit
 * of one part never equals a unit of another.
 */
const EXACT = 1;
const NOT_UPTODATE = 2;
const BLIND = 3;

/** Seeds of the two 32-bit lanes. */
const SEED_LO = 0x9747b28c;
const SEED_HI = 0x1b873593;

/** One murmur3 round: mix the 32-bit word `w` into `h`. Pure. */
function round(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  const x = h ^ k;
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: every input bit reaches every output bit. Pure. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * 32-bit hash of the unit (tag, a, b) under `seed`: murmur3 over the words tag, a's high and
 * low halves (a < 2^53) and b, then its finaliser. Pure.
 */
function unit(seed: number, tag: number, a: number, b: number): number {
  let h = round(seed, tag);
  h = round(h, Math.floor(a / 4294967296));
  h = round(h, a >>> 0);
  h = round(h, b);
  return fmix(h ^ 16);
}

/**
 * An additive digest of a page-cache layout as product.md §2 compares it: the sum, in two
 * independent 32-bit lanes (each modulo 2^32), of a strong hash of every canonical unit —
 * `(pgoff, order)` of each uptodate folio inside EOF, each page of a not-uptodate folio, each
 * "blind" page (uptodate and wholly past EOF, or a kernel observation's `blind`). Units are
 * added and taken away in any order (sum and difference modulo 2^32), so the model keeps it
 * up to date as folios come and go; two not-uptodate order-2 folios give the same pages, hence
 * the same sum, as one order-3 folio. A page of a part must be added at most once (a set: the
 * caller merges overlapping runs). Empty: 0.
 */
export class LayoutHash {
  #lo = 0;
  #hi = 0;

  #add(tag: number, a: number, b: number, sign: 1 | -1): void {
    if (sign === 1) {
      this.#lo = (this.#lo + unit(SEED_LO, tag, a, b)) | 0;
      this.#hi = (this.#hi + unit(SEED_HI, tag, a, b)) | 0;
    } else {
      this.#lo = (this.#lo - unit(SEED_LO, tag, a, b)) | 0;
      this.#hi = (this.#hi - unit(SEED_HI, tag, a, b)) | 0;
    }
  }

  /** Add (sign 1) or take away (−1) an uptodate folio inside EOF: page `index`, `order`. */
  exact(index: number, order: number, sign: 1 | -1): void {
    this.#add(EXACT, index, order, sign);
  }

  /** Add or take away the pages [start, start + n) of not-uptodate folios. */
  notUptodate(start: number, n: number, sign: 1 | -1): void {
    for (let p = start; p < start + n; p++) this.#add(NOT_UPTODATE, p, 0, sign);
  }

  /** Add or take away the blind pages [start, start + n). */
  blind(start: number, n: number, sign: 1 | -1): void {
    for (let p = start; p < start + n; p++) this.#add(BLIND, p, 0, sign);
  }

  /** The digest: 53 bits, the high lane's 32 over the low lane's top 21. Pure. */
  value(): number {
    return (this.#hi >>> 0) * 2 ** 21 + ((this.#lo >>> 0) >>> 11);
  }
}
