import { HPAGE_PMD_NR, PAGE_SIZE } from '../../model/index.js';
import { Dice } from '../dice.js';
import { type OptionSpecs, SZ_1G, choiceSpec, headerLine, intSpec, memorySpec, sizeSpec } from './options.js';
import { Out, cmd } from './_out.js';
import { alignedIn, weighted } from './_pick.js';

const PMD_SIZE = HPAGE_PMD_NR * PAGE_SIZE;
const SZ_64K = 16 * PAGE_SIZE;
const SZ_1M = 256 * PAGE_SIZE;

/** Database page sizes `--page` takes, and their bytes. */
const DB_PAGES = { '4k': PAGE_SIZE, '8k': 2 * PAGE_SIZE, '16k': 4 * PAGE_SIZE, '32k': 8 * PAGE_SIZE, '64k': SZ_64K } as const;

/** What `dbpoolScript` writes. */
export interface DbpoolOptions {
  /** Commands in the script, setup included. */
  readonly ops: number;
  /** The buffer pool, in bytes (a multiple of 2 MiB). */
  readonly size: number;
  /** The tmpfs mount's `huge=`. */
  readonly huge: 'always' | 'within_size' | 'advise' | 'never';
  /** Sized up front with `falloc 0 SIZE` (reserved, not uptodate) or `truncate SIZE` (sparse). */
  readonly presize: 'falloc' | 'truncate';
  /** The database page: every read and write is whole pages at page-aligned offsets. */
  readonly page: keyof typeof DB_PAGES;
  /** The `memory` line after the setup, in bytes (0: no line). */
  readonly memory: number;
}

/** The options of `foliolog gen dbpool`, with their defaults. */
export const DBPOOL_OPTIONS: OptionSpecs<DbpoolOptions> = {
  ops: intSpec('commands in the script, setup included', 1500, 10, 100_000),
  size: sizeSpec('the buffer pool file', 128 * PMD_SIZE, PMD_SIZE, 2 * PMD_SIZE, 64 * SZ_1G),
  huge: choiceSpec('the tmpfs mount\'s huge=', ['always', 'within_size', 'advise', 'never'], 'within_size'),
  presize: choiceSpec('how the pool is sized up front', ['falloc', 'truncate'], 'falloc'),
  page: choiceSpec('the database page (PostgreSQL 8k, InnoDB 16k)', Object.keys(DB_PAGES) as Array<keyof typeof DB_PAGES>, '8k'),
  memory: memorySpec(0),
};

/** Bytes the database freed (an extent, in its words) and punched, and has not used again. */
interface FreedRange {
  readonly pos: number;
  readonly len: number;
}

/** What the database does with its pool: hot blocks, freed extents, pages dirtied since the last checkpoint. */
class Pool {
  readonly size: number;
  readonly page: number;
  /** 2 MiB blocks that take most accesses (a fifth of the pool, chosen at start). */
  readonly hot: number[] = [];
  readonly freed: FreedRange[] = [];
  readonly dirty = new Set<number>();

  constructor(d: Dice, o: DbpoolOptions) {
    this.size = o.size;
    this.page = DB_PAGES[o.page];
    const blocks = o.size / PMD_SIZE;
    for (let n = Math.max(1, Math.floor(blocks / 5)); n > 0; n--) this.hot.push(d.int(0, blocks - 1));
  }

  isFree(pos: number, len: number): boolean {
    return this.freed.some((e) => e.pos < pos + len && pos < e.pos + e.len);
  }

  /** A page in use (not in a freed extent), three times in four in a hot block: its byte offset; undefined if none found. */
  pickPage(d: Dice): number | undefined {
    for (let tries = 0; tries < 8; tries++) {
      const pos = d.chance(75)
        ? d.one(this.hot) * PMD_SIZE + alignedIn(d, PMD_SIZE, this.page, this.page)
        : alignedIn(d, this.size, this.page, this.page);
      if (!this.isFree(pos, this.page)) return pos;
    }
    return undefined;
  }
}

function write(d: Dice, p: Pool, out: Out): void {
  const pos = p.pickPage(d);
  if (pos !== undefined && out.push(cmd.pwrite(pos, p.page, d.int(1, 255)))) p.dirty.add(pos);
}

function read(d: Dice, p: Pool, out: Out): void {
  const pos = p.pickPage(d);
  if (pos !== undefined) out.push(cmd.pread(pos, p.page));
}

/** A range scan: 8–128 consecutive pages, one `pread` call per page. */
function scan(d: Dice, p: Pool, out: Out): void {
  const len = Math.min(d.int(8, 128) * p.page, p.size);
  const pos = alignedIn(d, p.size, len, p.page);
  if (!p.isFree(pos, len)) out.push(cmd.pread(pos, len, p.page));
}

/** A checkpoint: 4–16 runs of 1–16 pages from the dirty ones, in file order, one `pwrite` call per page. */
function checkpoint(d: Dice, p: Pool, out: Out): void {
  const starts = [...p.dirty].sort((a, b) => a - b);
  p.dirty.clear();
  let runs = d.int(4, 16);
  let end = 0;
  for (const pos of starts) {
    if (runs === 0) break;
    if (pos < end) continue;
    const len = Math.min(d.int(1, 16) * p.page, p.size - pos);
    if (p.isFree(pos, len)) continue;
    if (!out.push(cmd.pwrite(pos, len, d.int(1, 255), p.page))) return;
    end = pos + len;
    runs--;
  }
}

/** The database frees an extent of 64 KiB to 1 MiB (64 KiB-aligned) and punches it. */
function punch(d: Dice, p: Pool, out: Out): void {
  const len = Math.min(d.one([SZ_64K, 2 * SZ_64K, 4 * SZ_64K, 8 * SZ_64K, SZ_1M]), p.size);
  const pos = alignedIn(d, p.size, len, SZ_64K);
  if (p.isFree(pos, len) || !out.push(cmd.fpunch(pos, len))) return;
  p.freed.push({ pos, len });
  for (const q of [...p.dirty]) if (q >= pos && q < pos + len) p.dirty.delete(q);
}

/**
 * A freed extent is used again: reserved (`falloc`) and its first pages written, or initialised
 * whole with zero pages (`pwrite -S 0`), as a database extends a relation with zeroed pages
 * before it fills them (PostgreSQL's zero-extend) — data a scanner for zero pages would free.
 */
function reuse(d: Dice, p: Pool, out: Out): void {
  const [e] = p.freed.splice(d.int(0, p.freed.length - 1), 1);
  if (e === undefined) return;
  if (d.chance(50)) {
    out.push(cmd.falloc(e.pos, e.len));
    out.push(cmd.pwrite(e.pos, Math.min(d.int(1, 8) * p.page, e.len), d.int(1, 255), p.page));
  } else {
    out.push(cmd.pwrite(e.pos, e.len, 0, p.page));
  }
}

/**
 * A database buffer pool in a tmpfs file (a pool in shared memory on `/dev/shm`, or the data
 * files of a database kept in tmpfs), on a mount with `huge=within_size` (default) or another
 * `huge=`: the pool is sized up front (`falloc 0 SIZE` or `truncate SIZE`); then random page
 * writes (`pwrite -S BYTE OFF 8k`, three in four in a hot fifth of the pool) and reads
 * (`pread`), now and then a range scan (`pread -b 8k`), checkpoints that write runs of pages
 * in file order (`pwrite -b 8k`), hole punches of freed extents of 64 KiB to 1 MiB (`fpunch`),
 * and freed extents used again (`falloc` then writes, or zero pages written whole); with `o.memory`, a `memory`
 * line after the setup puts it under memory pressure. Exactly `o.ops` commands;
 * the first line is a comment naming generator, seed and every option. Pure: the same
 * (seed, options) give the same text.
 *
 * ### Example
 * ```ts
 * dbpoolScript(1, { ...defaultOptions(DBPOOL_OPTIONS), page: '16k' })
 * // '# foliolog gen dbpool --seed 1 --ops 1500 --size 256m --huge within_size ...\nmount tmpfs huge=within_size\nfalloc 0 256m\n…'
 * ```
 */
export function dbpoolScript(seed: number, o: DbpoolOptions): string {
  const d = new Dice(seed);
  const out = new Out(o.ops);
  const p = new Pool(d, o);
  out.push(cmd.mountTmpfs(o.huge));
  out.push(o.presize === 'falloc' ? cmd.falloc(0, o.size) : cmd.truncate(o.size));
  if (o.memory > 0) out.push(cmd.memory(o.memory));
  while (out.left > 0) {
    const kind = weighted(d, { write: 40, read: 30, scan: 3, checkpoint: 2, punch: 5, reuse: p.freed.length > 0 ? 4 : 0 });
    ({ write, read, scan, checkpoint, punch, reuse })[kind](d, p, out);
  }
  return out.text(headerLine('dbpool', seed, DBPOOL_OPTIONS, o));
}
