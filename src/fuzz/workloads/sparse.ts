import { HPAGE_PMD_NR, PAGE_SIZE } from '../../model/index.js';
import { Dice } from '../dice.js';
import { type OptionSpecs, SZ_1G, choiceSpec, headerLine, intSpec, memorySpec, sizeSpec } from './options.js';
import { Out, cmd } from './_out.js';
import { weighted } from './_pick.js';

const PMD_SIZE = HPAGE_PMD_NR * PAGE_SIZE;
const SZ_64K = 16 * PAGE_SIZE;
const SZ_1M = 256 * PAGE_SIZE;

/** What `sparseScript` writes. */
export interface SparseOptions {
  /** Commands in the script, setup included. */
  readonly ops: number;
  /** The largest i_size a file reaches, in bytes (a multiple of 2 MiB). */
  readonly size: number;
  /** Files the commands are spread over (`f`, `f1`, `f2`, ...). */
  readonly files: number;
  /** The tmpfs mount's `huge=`. */
  readonly huge: 'always' | 'within_size' | 'advise' | 'never';
  /** The `memory` line after the setup, in bytes (0: no line). */
  readonly memory: number;
}

/** The options of `foliolog gen sparse`, with their defaults. */
export const SPARSE_OPTIONS: OptionSpecs<SparseOptions> = {
  ops: intSpec('commands in the script, setup included', 1500, 10, 100_000),
  size: sizeSpec('the largest i_size a file reaches', 64 * PMD_SIZE, PMD_SIZE, 2 * PMD_SIZE, 64 * SZ_1G),
  files: intSpec('files the commands are spread over', 2, 1, 8),
  huge: choiceSpec('the tmpfs mount\'s huge=', ['always', 'within_size', 'advise', 'never'], 'within_size'),
  memory: memorySpec(0),
};

/** The name of file `k`: the mount's `f` first. Pure. */
function fileName(k: number): string {
  return k === 0 ? 'f' : `f${k}`;
}

/** The files' sizes as the script leaves them, and which one is current. */
class Files {
  readonly max: number;
  readonly iSize: number[];
  cur = 0;

  constructor(max: number, sizes: number[]) {
    this.max = max;
    this.iSize = sizes;
  }

  get size(): number {
    return this.iSize[this.cur]!;
  }

  set size(v: number) {
    this.iSize[this.cur] = v;
  }
}

/** A byte offset below `span`: mostly page-aligned, sometimes 64 KiB- or 2 MiB-aligned, now and then anywhere. */
function where(d: Dice, span: number): number {
  const r = d.int(0, 9);
  const unit = r < 6 ? PAGE_SIZE : r < 8 ? SZ_64K : r < 9 ? PMD_SIZE : 1;
  return Math.floor(d.int(0, Math.max(span - 1, 0)) / unit) * unit;
}

/** An extent written somewhere in the file or just past its end (which grows it). */
function write(d: Dice, f: Files, out: Out): void {
  const len = d.one([PAGE_SIZE, PAGE_SIZE, 4 * PAGE_SIZE, SZ_64K, SZ_64K, 4 * SZ_64K, SZ_1M, PMD_SIZE, 3000, 100 * 1024]);
  const pos = Math.min(where(d, f.size + SZ_1M), f.max - len);
  if (out.push(cmd.pwrite(pos, len, d.int(1, 255)))) f.size = Math.max(f.size, pos + len);
}

/** A hole punched: a page to 4 MiB, sometimes not page-aligned, sometimes reaching past EOF. */
function punch(d: Dice, f: Files, out: Out): void {
  const len = d.one([PAGE_SIZE, 4 * PAGE_SIZE, SZ_64K, 4 * SZ_64K, SZ_1M, PMD_SIZE, 2 * PMD_SIZE, 5000]);
  out.push(cmd.fpunch(where(d, f.size), len));
}

/** SEEK_DATA or SEEK_HOLE from inside the file, from 0, or (one in twenty) from past EOF: ENXIO. */
function seek(d: Dice, f: Files, out: Out): void {
  const r = d.int(0, 19);
  const offset = r === 0 ? 0 : r === 1 ? f.size + where(d, PMD_SIZE) : where(d, f.size);
  out.push(cmd.seek(d.chance(50) ? 'data' : 'hole', offset));
}

function read(d: Dice, f: Files, out: Out): void {
  out.push(cmd.pread(where(d, f.size), d.one([PAGE_SIZE, SZ_64K, SZ_1M])));
}

/** `truncate` up by 64 KiB to 16 MiB (at most to `size`), sometimes to a size that is not page-aligned. */
function grow(d: Dice, f: Files, out: Out): void {
  const by = d.one([SZ_64K, SZ_1M, PMD_SIZE + PAGE_SIZE, 4 * PMD_SIZE, 8 * PMD_SIZE]) + (d.chance(20) ? d.int(1, PAGE_SIZE - 1) : 0);
  const to = Math.min(f.size + by, f.max);
  if (out.push(cmd.truncate(to))) f.size = to;
}

/** `truncate` down to 30–95% of the size, page-aligned seven times in ten. */
function shrink(d: Dice, f: Files, out: Out): void {
  let to = Math.floor((f.size * d.int(30, 95)) / 100);
  if (d.chance(70)) to -= to % PAGE_SIZE;
  if (out.push(cmd.truncate(to))) f.size = to;
}

function open(d: Dice, f: Files, out: Out): void {
  const k = (f.cur + d.int(1, f.iSize.length - 1)) % f.iSize.length;
  if (out.push(cmd.open(fileName(k)))) f.cur = k;
}

/**
 * Sparse files on a tmpfs mount (`huge=within_size` by default, or another `huge=`), over
 * `o.files` files (`open NAME`): each grown to an eighth to half of `size` (`truncate`), then
 * written in scattered extents (a page to 2 MiB, some not page-aligned, some past EOF),
 * punched (`fpunch`, a page to 4 MiB), truncated down (`truncate` to 30–95%) and up again
 * (at most to `size`), read (`pread`) and probed with SEEK_DATA/SEEK_HOLE (`seek -d`,
 * `seek -h`, a few past EOF); with `o.memory`, a `memory` line after the setup puts them
 * under memory pressure. Exactly `o.ops` commands; the first line is a comment naming
 * generator, seed and every option. Pure: the same (seed, options) give the same text.
 *
 * ### Example
 * ```ts
 * sparseScript(1, { ...defaultOptions(SPARSE_OPTIONS), files: 3 })
 * // '# foliolog gen sparse --seed 1 --ops 1500 --size 128m --files 3 --huge within_size --memory 0\nmount tmpfs huge=within_size\ntruncate …'
 * ```
 */
export function sparseScript(seed: number, o: SparseOptions): string {
  const d = new Dice(seed);
  const out = new Out(o.ops);
  out.push(cmd.mountTmpfs(o.huge));
  const f = new Files(o.size, []);
  for (let k = 0; k < o.files; k++) {
    if (k > 0) out.push(cmd.open(fileName(k)));
    f.iSize.push(d.int(o.size / 8 / PAGE_SIZE, o.size / 2 / PAGE_SIZE) * PAGE_SIZE);
    f.cur = k;
    out.push(cmd.truncate(f.size));
  }
  if (o.memory > 0) out.push(cmd.memory(o.memory));
  while (out.left > 0) {
    const kind = weighted(d, {
      write: 28, punch: 12, seek: 22, read: 6, grow: f.size < f.max ? 5 : 0, shrink: 4, open: o.files > 1 ? 5 : 0,
    });
    ({ write, punch, seek, read, grow, shrink, open })[kind](d, f, out);
  }
  return out.text(headerLine('sparse', seed, SPARSE_OPTIONS, o));
}
