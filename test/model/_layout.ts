/**
 * Layout notation of kernel.md, pure (no simulator): `A:o` is one folio of order `o` at page
 * index `A`; `A-B:0` is the order-0 folios at every index from A to B inclusive; folios are
 * separated by spaces; `''` is an empty page cache. A trailing `*` (`0:9*`) marks a folio that is
 * not uptodate; without it a folio is uptodate.
 */
import type { FolioTriple, Observation, StatsDelta } from '../../src/script/observation.js';

/** Byte units, as the script language spells its suffixes (powers of 1024). */
export const K = 1024n;
export const M = 1024n * K;
export const G = 1024n * M;

/** Folio triples from layout notation, e.g. `'0:3 8:2 12:1 14:0'` or `'1-16:0'`. */
export function folios(spec: string): FolioTriple[] {
  const out: FolioTriple[] = [];
  for (const token of spec.split(/\s+/).filter((t) => t !== '')) {
    const m = /^(\d+)(?:-(\d+))?:(\d)(\*?)$/.exec(token);
    if (m === null) throw new Error(`bad layout token ${token}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const order = Number(m[3]);
    const uptodate = m[4] === '*' ? 0 : 1;
    for (let index = from; index <= to; index += 1 << order) out.push([index, order, uptodate]);
  }
  return out;
}

/** Layout notation of an observation's folios (order-0 runs collapsed to `A-B:0`). */
export function layout(obs: Observation | readonly FolioTriple[]): string {
  const list = 'folios' in obs ? obs.folios : obs;
  const parts: string[] = [];
  let runStart = -1;
  let runEnd = -1;
  let runMark = '';
  const flush = (): void => {
    if (runStart < 0) return;
    parts.push(runStart === runEnd ? `${runStart}:0${runMark}` : `${runStart}-${runEnd}:0${runMark}`);
    runStart = -1;
  };
  for (const [index, order, uptodate] of list) {
    const mark = uptodate === 1 ? '' : '*';
    if (order === 0 && runStart >= 0 && index === runEnd + 1 && mark === runMark) {
      runEnd = index;
      continue;
    }
    flush();
    if (order === 0) {
      runStart = index;
      runEnd = index;
      runMark = mark;
    } else {
      parts.push(`${index}:${order}${mark}`);
    }
  }
  flush();
  return parts.join(' ');
}

/** Pages held by the folios of a layout. */
export function pagesOf(spec: string): number {
  return folios(spec).reduce((n, [, order]) => n + (1 << order), 0);
}

/** `st_blocks` of a file holding exactly that layout: 8 × pages (kernel.md §8). */
export function blocksOf(spec: string): bigint {
  return 8n * BigInt(pagesOf(spec));
}

/** The per-size stats key of an order, as sysfs names the folder: order 4 → `'64kB'`. */
export function sizeKey(order: number): string {
  return `${4 << order}kB`;
}

/**
 * The stats delta of allocating every large folio of a layout: `shmem_alloc` +1 per folio of
 * order ≥ 1 under its size; order-0 folios count nothing (kernel.md §2.3 step 7).
 */
export function allocStats(spec: string): StatsDelta {
  const out: Record<string, Record<string, number>> = {};
  for (const [, order] of folios(spec)) {
    if (order === 0) continue;
    const key = sizeKey(order);
    const counters = (out[key] ??= {});
    counters['shmem_alloc'] = (counters['shmem_alloc'] ?? 0) + 1;
  }
  return out;
}
