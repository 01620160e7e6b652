import { HPAGE_PMD_NR } from './arch.js';
import type { Folio } from './folio.js';
import { folioNextIndex } from './folio.js';
import { invariant } from './errno.js';

/**
 * One file's page cache (`i_pages`): folios keyed by index. No folio crosses a PMD-aligned
 * block (the largest order is PMD order, and folios are aligned), so folios are grouped per
 * 512-page block — each block a short sorted array — and the block numbers kept sorted.
 * Lookups cost O(log blocks + 512); a file of millions of folios stays cheap.
 */
export class PageCache {
  #blocks = new Map<number, Folio[]>();
  #keys: number[] = [];
  /** Pages held by all folios. */
  nrPages = 0;
  /** Number of folios. */
  nrFolios = 0;

  #keyIndex(block: number): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#keys[mid]! < block) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The folio containing page `index`, if any. Mirrors: filemap_get_entry(). Pure. */
  lookup(index: number): Folio | undefined {
    const list = this.#blocks.get(Math.floor(index / HPAGE_PMD_NR));
    if (!list) return undefined;
    for (const f of list) {
      if (f.index > index) return undefined;
      if (folioNextIndex(f) > index) return f;
    }
    return undefined;
  }

  /** The first folio ending after `index` and starting before `end`. Mirrors: xa_find(). Pure. */
  findFirst(index: number, end: number = Number.MAX_SAFE_INTEGER): Folio | undefined {
    for (let k = this.#keyIndex(Math.floor(index / HPAGE_PMD_NR)); k < this.#keys.length; k++) {
      const key = this.#keys[k]!;
      if (key * HPAGE_PMD_NR >= end) return undefined;
      for (const f of this.#blocks.get(key)!) {
        if (f.index >= end) return undefined;
        if (folioNextIndex(f) > index) return f;
      }
    }
    return undefined;
  }

  /** Folios overlapping [index, end), in index order. The cache may change while iterating. */
  *range(index: number, end: number = Number.MAX_SAFE_INTEGER): Generator<Folio> {
    let at = index;
    for (;;) {
      const f = this.findFirst(at, end);
      if (!f) return;
      at = folioNextIndex(f);
      yield f;
    }
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
    let at = list.length;
    while (at > 0 && list[at - 1]!.index > f.index) at--;
    invariant(at === 0 || folioNextIndex(list[at - 1]!) <= f.index, `folio at ${f.index} overlaps its predecessor`);
    invariant(at === list.length || list[at]!.index >= folioNextIndex(f), `folio at ${f.index} overlaps its successor`);
    list.splice(at, 0, f);
    this.nrPages += 2 ** f.order;
    this.nrFolios++;
  }

  /** Remove a folio. Mirrors: filemap_remove_folio(). */
  remove(f: Folio): void {
    const key = Math.floor(f.index / HPAGE_PMD_NR);
    const list = this.#blocks.get(key);
    const at = list ? list.indexOf(f) : -1;
    invariant(list && at >= 0, `folio ${f.id} is not in the page cache`);
    list.splice(at, 1);
    if (list.length === 0) {
      this.#blocks.delete(key);
      this.#keys.splice(this.#keyIndex(key), 1);
    }
    this.nrPages -= 2 ** f.order;
    this.nrFolios--;
  }
}
