import { LayoutHash, pagesCeil } from '../model/index.js';
import type { BlindRun, FolioTriple, Observation, StatsDelta } from './observation.js';

/** Pages `[start, start + n)`, merged and sorted when part of a coverage list. */
type PageRun = readonly [start: number, n: number];

/**
 * What product.md §2 lets a comparison see of a page cache: the uptodate folios inside EOF
 * exactly, and two page coverages — pages of not-uptodate folios (the kernel side may tile a
 * not-uptodate run any way), and "blind" pages: uptodate folios wholly past EOF, which the
 * kernel cannot map to see (it lists their pages under `blind`).
 */
interface Layout {
  readonly exact: string;
  readonly notUptodate: string;
  readonly blind: string;
}

/** Sort and merge page runs (adjacent or overlapping runs become one). Pure. */
function merge(runs: PageRun[]): PageRun[] {
  const sorted = [...runs].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [start, n] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[0] + last[1]) last[1] = Math.max(last[1], start + n - last[0]);
    else out.push([start, n]);
  }
  return out;
}

/** The comparable layout of an observation. Pure. */
function layoutOf(folios: readonly FolioTriple[], blind: readonly BlindRun[] | undefined, size: bigint): Layout {
  // Page index of the first page wholly past EOF: ceil(size / 4096); sizes are < 2^63, so < 2^51.
  const eofPage = pagesCeil(size);
  const exact: string[] = [];
  const notUptodate: PageRun[] = [];
  const blindPages: PageRun[] = blind === undefined ? [] : blind.map(([p, n]) => [p, n] as const);
  for (const [pgoff, order, uptodate] of folios) {
    const run: PageRun = [pgoff, 2 ** order];
    if (uptodate === 0) notUptodate.push(run);
    else if (pgoff >= eofPage) blindPages.push(run);
    else exact.push(`${pgoff}:${order}`);
  }
  return { exact: exact.sort().join(' '), notUptodate: JSON.stringify(merge(notUptodate)), blind: JSON.stringify(merge(blindPages)) };
}

/** Two stats deltas hold the same counters, whatever their key order. Pure. */
export function sameStats(a: StatsDelta, b: StatsDelta): boolean {
  return statsKey(a) === statsKey(b);
}

/** Both sides hold the same page cache under product.md §2's rules. Pure. */
function sameLayout(a: Observation, b: Observation): boolean {
  if (JSON.stringify(a.folios) === JSON.stringify(b.folios) && JSON.stringify(a.blind ?? []) === JSON.stringify(b.blind ?? [])) {
    return true;
  }
  const la = layoutOf(a.folios, a.blind, a.size);
  const lb = layoutOf(b.folios, b.blind, b.size);
  return la.exact === lb.exact && la.notUptodate === lb.notUptodate && la.blind === lb.blind;
}

/** A stats delta with its keys sorted at both levels, as text: equal exactly when `sameStats`. Pure. */
export function statsKey(s: StatsDelta): string {
  const sizes = Object.keys(s).sort();
  return JSON.stringify(sizes.map((size) => {
    const counters = s[size] ?? {};
    return [size, Object.keys(counters).sort().map((name) => [name, counters[name]])];
  }));
}

/**
 * The fields in which two §2 observations differ, under product.md §2's comparison rules:
 * uptodate folios inside EOF compare exactly; not-uptodate folios by the set of pages they
 * cover (the kernel may report a not-uptodate run as any tiling of aligned blocks); uptodate
 * folios wholly past EOF, and the pages a kernel observation lists under `blind`, by the set
 * of pages they cover. `stats` compares regardless of key order; `i`, `line`, `op`, `ret`,
 * `size`, `blocks` and `data` exactly. A layout difference is reported as `folios` (and
 * `blind` when either side has one), with each side's value as observed. Pure.
 *
 * @param a - one observation (e.g. the model's)
 * @param b - the other (e.g. the kernel's)
 * @returns `{ NAME: [a's value, b's value] }` per differing field; `{}` when they agree
 *
 * ### Example
 * ```ts
 * const kernel = { ...model, folios: [[0, 3, 0], [8, 3, 0]] }; // model: [[0, 4, 0]]
 * compareObservations(model, kernel); // {} — the same 16 not-uptodate pages
 * ```
 */
export function compareObservations(a: Observation, b: Observation): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const differ = (name: string, x: unknown, y: unknown): void => {
    Object.defineProperty(out, name, { value: [x, y], enumerable: true, writable: true, configurable: true });
  };
  if (a.i !== b.i) differ('i', a.i, b.i);
  if (a.line !== b.line) differ('line', a.line, b.line);
  if (a.op !== b.op) differ('op', a.op, b.op);
  if (a.ret !== b.ret) differ('ret', a.ret, b.ret);
  if (!sameLayout(a, b)) {
    differ('folios', a.folios, b.folios);
    if (a.blind !== undefined || b.blind !== undefined) differ('blind', a.blind ?? [], b.blind ?? []);
  }
  if (statsKey(a.stats) !== statsKey(b.stats)) differ('stats', a.stats, b.stats);
  if (a.size !== b.size) differ('size', a.size, b.size);
  if (a.blocks !== b.blocks) differ('blocks', a.blocks, b.blocks);
  if (JSON.stringify(a.data ?? null) !== JSON.stringify(b.data ?? null)) differ('data', a.data ?? null, b.data ?? null);
  return out;
}

/**
 * A 53-bit digest of what product.md §2 lets a comparison see of a page cache: equal for two
 * observations of the same i_size exactly when `compareObservations` finds their folios (and
 * blind pages) the same, but for digest collisions (about 2^-53; two identical lists at
 * different sizes may digest apart, and then `size` differs anyway). It is a `LayoutHash` (src/model): a sum of a
 * strong hash over canonical units, each part under its own tag — every uptodate folio inside
 * EOF as `(pgoff, order)`, every page of a not-uptodate folio, every blind page (uptodate
 * folios wholly past EOF, and a kernel observation's `blind`, merged as one set of pages). Being
 * a sum, the model maintains the same value incrementally (`Shmem.layoutDigest()`); this is
 * the batch form, for observed lists. Lets `diff` compare two runs by their operation rows. Pure.
 *
 * ### Example
 * ```ts
 * layoutDigest([[0, 4, 0]], undefined, 65536n) === layoutDigest([[0, 3, 0], [8, 3, 0]], undefined, 65536n) // true
 * ```
 */
export function layoutDigest(folios: readonly FolioTriple[], blind: readonly BlindRun[] | undefined, size: bigint): number {
  const eofPage = pagesCeil(size);
  const hash = new LayoutHash();
  const notUptodate: PageRun[] = [];
  const blindPages: PageRun[] = blind === undefined ? [] : [...blind];
  for (const [pgoff, order, uptodate] of folios) {
    if (uptodate === 0) notUptodate.push([pgoff, 2 ** order]);
    else if (pgoff >= eofPage) blindPages.push([pgoff, 2 ** order]);
    else hash.exact(pgoff, order, 1);
  }
  // Coverages are sets of pages: each page counts once, however the runs overlap or tile.
  for (const [start, n] of merge(notUptodate)) hash.notUptodate(start, n, 1);
  for (const [start, n] of merge(blindPages)) hash.blind(start, n, 1);
  return hash.value();
}

/**
 * The version of `layoutDigest` this build computes, stored per run (`runs.layout_version`,
 * migration 0006): digests of different versions are never compared.
 */
export const LAYOUT_DIGEST_VERSION = 2;
