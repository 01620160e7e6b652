import { HPAGE_PMD_NR } from './arch.js';
import type { Folio } from './folio.js';
import { InvariantError } from './errno.js';
import { LayoutHash } from './layout-hash.js';

/**
 * One file's page cache (`i_pages`): folios keyed by index. No folio crosses a PMD-aligned
 * block (the largest order is PMD order, and folios are aligned), so folios are grouped per
 * 512-page block — each block a short array sorted by index, searched by bisection — and the
 * block numbers kept sorted. Lookups cost O(log blocks + log 512); a file of millions of
 * folios stays cheap.
 *
 * It also keeps the file's layout digest (layout-hash.ts) up to date as folios come and go and
 * turn uptodate, against the EOF page it was last asked about (`layoutDigest`).
 */
export class PageCache {
  #blocks = new Map<number, Folio[]>();
  #keys: number[] = [];
  /** Pages held by all folios. */
  nrPages = 0;
  /** Number of folios. */
  nrFolios = 0;
  /** Folios added, removed or marked uptodate so far: a change count, to skip re-checking an unchanged cache. */
  changes = 0;
  readonly #hash = new LayoutHash();
  /** The EOF page `#hash` classifies against: uptodate folios from it on are blind. */
  #eof = 0;

  #keyIndex(block: number): number {
    const keys = this.#keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < block) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position in `list` (sorted, non-overlapping) of the first folio ending after `index`. */
  static #firstEndingAfter(list: readonly Folio[], index: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const f = list[mid]!;
      if (f.index + (1 << f.order) > index) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The folio containing page `index`, if any. Mirrors: filemap_get_entry(). Pure. */
  lookup(index: number): Folio | undefined {
    const list = this.#blocks.get(Math.floor(index / HPAGE_PMD_NR));
    if (!list) return undefined;
    const f = list[PageCache.#firstEndingAfter(list, index)];
    return f !== undefined && f.index <= index ? f : undefined;
  }

  /** The first folio ending after `index` and starting before `end`. Mirrors: xa_find(). Pure. */
  findFirst(index: number, end: number = Number.MAX_SAFE_INTEGER): Folio | undefined {
    const keys = this.#keys;
    const first = Math.floor(index / HPAGE_PMD_NR);
    for (let k = this.#keyIndex(first); k < keys.length; k++) {
      const key = keys[k]!;
      if (key * HPAGE_PMD_NR >= end) return undefined;
      const list = this.#blocks.get(key)!;
      const f = list[key === first ? PageCache.#firstEndingAfter(list, index) : 0];
      if (f !== undefined) return f.index < end ? f : undefined;
    }
    return undefined;
  }

  /** Folios overlapping [index, end), in index order. The cache may change while iterating. */
  *range(index: number, end: number = Number.MAX_SAFE_INTEGER): Generator<Folio> {
    let at = index;
    for (;;) {
      const f = this.findFirst(at, end);
      if (!f) return;
      at = f.index + (1 << f.order);
      yield f;
    }
  }

  /** Folios overlapping [index, end), in index order, as a new array. Pure. */
  rangeArray(index: number, end: number): Folio[] {
    const out: Folio[] = [];
    for (let f = this.findFirst(index, end); f; f = this.findFirst(f.index + (1 << f.order), end)) out.push(f);
    return out;
  }

  /** Call `fn` on every folio, in index order. The cache must not change meanwhile. */
  forEach(fn: (f: Folio) => void): void {
    for (const key of this.#keys) for (const f of this.#blocks.get(key)!) fn(f);
  }

  /** Every folio, in index order. Pure. */
  *all(): Generator<Folio> {
    for (const key of this.#keys) yield* this.#blocks.get(key)!;
  }

  /** Insert a folio into an empty range. Mirrors: shmem_add_to_page_cache(). */
  add(f: Folio): void {
    const key = Math.floor(f.index / HPAGE_PMD_NR);
    let list = this.#blocks.get(key);
    if (!list) {
      list = [];
      this.#blocks.set(key, list);
      const k = this.#keyIndex(key);
      if (k === this.#keys.length) this.#keys.push(key);
      else this.#keys.splice(k, 0, key);
    }
    const at = PageCache.#firstEndingAfter(list, f.index);
    const next = list[at];
    // A test, not invariant(): its message would be built on every call of this hot path.
    if (next !== undefined && next.index < f.index + (1 << f.order)) throw new InvariantError(`folio at ${f.index} overlaps another`);
    if (at === list.length) list.push(f);
    else list.splice(at, 0, f);
    this.nrPages += 1 << f.order;
    this.nrFolios++;
    this.#account(f, 1);
  }

  /** Remove a folio. Mirrors: filemap_remove_folio(). */
  remove(f: Folio): void {
    const key = Math.floor(f.index / HPAGE_PMD_NR);
    const list = this.#blocks.get(key);
    const at = list ? PageCache.#firstEndingAfter(list, f.index) : -1;
    if (!list || list[at] !== f) throw new InvariantError(`folio ${f.id} is not in the page cache`);
    if (at === list.length - 1) list.pop();
    else list.splice(at, 1);
    if (list.length === 0) {
      this.#blocks.delete(key);
      this.#keys.splice(this.#keyIndex(key), 1);
    }
    this.nrPages -= 1 << f.order;
    this.nrFolios--;
    this.#account(f, -1);
  }

  /** A cached folio stops being uptodate (per-block policy: punched blocks). Mirrors: folio_clear_uptodate(). */
  clearUptodate(f: Folio): void {
    if (!f.uptodate) return;
    this.#account(f, -1);
    f.uptodate = false;
    this.#account(f, 1);
  }

  /** Mark a cached folio uptodate. Mirrors: folio_mark_uptodate(). */
  markUptodate(f: Folio): void {
    if (f.uptodate) return;
    this.#account(f, -1);
    f.uptodate = true;
    this.#account(f, 1);
  }

  /**
   * The layout digest of this page cache with EOF at page `eofPage` (ceil(i_size / 4 KiB)):
   * equal to compare.ts's `layoutDigest` of its folios at that i_size. Moving EOF reclassifies
   * only the uptodate folios that start between the old and the new EOF page.
   */
  layoutDigest(eofPage: number): number {
    const old = this.#eof;
    if (eofPage !== old) {
      const lo = Math.min(old, eofPage);
      const hi = Math.max(old, eofPage);
      // Uptodate folios starting in [lo, hi) change part: blind ↔ exact. Nothing else moves.
      const toExact = eofPage > old;
      for (let f = this.findFirst(lo, hi); f; f = this.findFirst(f.index + (1 << f.order), hi)) {
        if (!f.uptodate || f.index < lo) continue;
        this.#hash.blind(f.index, 1 << f.order, toExact ? -1 : 1);
        this.#hash.exact(f.index, f.order, toExact ? 1 : -1);
      }
      this.#eof = eofPage;
    }
    return this.#hash.value();
  }

  /** Add (1) or take away (−1) the folio's units from the digest, as `#eof` classifies it. */
  #account(f: Folio, sign: 1 | -1): void {
    this.changes++;
    if (!f.uptodate) this.#hash.notUptodate(f.index, 1 << f.order, sign);
    else if (f.index >= this.#eof) this.#hash.blind(f.index, 1 << f.order, sign);
    else this.#hash.exact(f.index, f.order, sign);
  }
}
