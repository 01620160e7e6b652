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

/** 2^32, to split a page index (< 2^53) in 32-bit halves. */
const TWO_32 = 4294967296;

/**
 * 32-bit hash of a page unit (tag, a) under `seed`: murmur3 over two words — the tag above
 * a's high 21 bits (a < 2^53), and a's low 32 — then its finaliser. Pure.
 */
function pageUnit(seed: number, tag: number, a: number): number {
  const h = round(round(seed, tag * 2 ** 21 + Math.floor(a / TWO_32)), a >>> 0);
  return fmix(h ^ 8);
}

/** 32-bit hash of a folio unit (tag, a, b): a page unit's words and then `b`. Pure. */
function folioUnit(seed: number, tag: number, a: number, b: number): number {
  const h = round(round(round(seed, tag * 2 ** 21 + Math.floor(a / TWO_32)), a >>> 0), b);
  return fmix(h ^ 12);
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

  #add(lo: number, hi: number, sign: 1 | -1): void {
    this.#lo = (this.#lo + sign * lo) | 0;
    this.#hi = (this.#hi + sign * hi) | 0;
  }

  /** Add (sign 1) or take away (−1) an uptodate folio inside EOF: page `index`, `order`. */
  exact(index: number, order: number, sign: 1 | -1): void {
    this.#add(folioUnit(SEED_LO, EXACT, index, order), folioUnit(SEED_HI, EXACT, index, order), sign);
  }

  /** Add or take away the pages [start, start + n) of not-uptodate folios. */
  notUptodate(start: number, n: number, sign: 1 | -1): void {
    for (let p = start; p < start + n; p++) this.#add(pageUnit(SEED_LO, NOT_UPTODATE, p), pageUnit(SEED_HI, NOT_UPTODATE, p), sign);
  }

  /** Add or take away the blind pages [start, start + n). */
  blind(start: number, n: number, sign: 1 | -1): void {
    for (let p = start; p < start + n; p++) this.#add(pageUnit(SEED_LO, BLIND, p), pageUnit(SEED_HI, BLIND, p), sign);
  }

  /** The digest: 53 bits, the high lane's 32 over the low lane's top 21. Pure. */
  value(): number {
    return (this.#hi >>> 0) * 2 ** 21 + ((this.#lo >>> 0) >>> 11);
  }
}
