import type { Shmem } from '../model/index.js';
import { LayoutHash, PAGE_SIZE, pagesCeil } from '../model/index.js';
import type { Observation } from '../script/index.js';
import type { CachedFolio } from './live-folios.js';

/** A file's page cache, as the oracle reads it. */
type Cache = NonNullable<Shmem['currentFile']>['cache'];

/** Byte position of the first page at or after `page` that no folio of `cache` covers. Pure. */
export function firstAbsentPage(cache: Cache | undefined, page: number): bigint {
  let at = page;
  for (let f = cache?.lookup(at); f; f = cache?.lookup(at)) at = f.index + 2 ** f.order;
  return BigInt(at) * BigInt(PAGE_SIZE);
}

/** Whether `folios` lists exactly the folios `forEachFolio` gives, in order. Pure. */
export function listsEvery(folios: Observation['folios'], forEachFolio: (fn: (f: CachedFolio) => void) => void): boolean {
  let k = 0;
  let same = true;
  forEachFolio((f) => {
    const t = folios[k++];
    if (t === undefined || t[0] !== f.index || t[1] !== f.order || t[2] !== (f.uptodate ? 1 : 0)) same = false;
  });
  return same && k === folios.length;
}

/**
 * The layout digest of `cache` at i_size `size`, computed afresh by one walk (no list, no
 * allocation per folio): what `layoutDigest` of src/script gives for its folio list, as the
 * page cache's folios never overlap. The oracle holds the digest the model keeps against it. Pure.
 */
export function walkedDigest(cache: Cache | undefined, size: bigint): number {
  const hash = new LayoutHash();
  const eofPage = pagesCeil(size);
  cache?.forEach((f) => {
    if (!f.uptodate) hash.notUptodate(f.index, 2 ** f.order, 1);
    else if (f.index >= eofPage) hash.blind(f.index, 2 ** f.order, 1);
    else hash.exact(f.index, f.order, 1);
  });
  return hash.value();
}
