import { PAGE_SIZE } from '../model/index.js';
import { Dice } from './dice.js';

/** What `raceScript` makes: how many commands and over how many tasks. */
export interface RaceOptions {
  /** Commands in the script, setup included (at least the setup's, which come first). */
  readonly ops: number;
  /** Tasks `[A]`, `[B]`, ... that the commands after the setup are dealt to (1..26). */
  readonly tasks: number;
}

/** A page: the script sizes below are in pages (4 KiB) and MiB. */
const PAGE = PAGE_SIZE;
const M = 1 << 20;
/** Every script works on a 4 MiB file or region: two PMD blocks, so that faults and punches meet. */
const SPAN = 4 * M;

type Kind = 'fpunch' | 'remove' | 'mread' | 'mwrite' | 'pwrite' | 'pread' | 'falloc' | 'pin' | 'unpin' | 'seek' | 'truncate';

/** Weights of the task commands: faults and punches first, reads to catch lost bytes. */
const WEIGHTS: Readonly<Record<Kind, number>> = {
  fpunch: 6, remove: 2, mread: 6, mwrite: 4, pwrite: 4, pread: 5, falloc: 3, pin: 2, unpin: 1, seek: 1, truncate: 1,
};

const TABLE: readonly Kind[] = (Object.entries(WEIGHTS) as Array<[Kind, number]>).flatMap(([k, w]) => Array<Kind>(w).fill(k));

/** Bytes as a script writes them: `2m`, `64k`, or plain. Pure. */
function size(n: number): string {
  return n === 0 ? '0' : n % M === 0 ? `${n / M}m` : n % 1024 === 0 ? `${n / 1024}k` : String(n);
}

/** An offset in the span: page-aligned, often 256 KiB- or 2 MiB-aligned. */
function offset(d: Dice): number {
  const unit = d.one([2 * M, 64 * PAGE, 64 * PAGE, PAGE, PAGE]);
  return Math.floor(d.int(0, SPAN - 1) / unit) * unit;
}

/** `OFF LEN` inside the span: a page to 2 MiB, biased to the sizes folios come in. */
function range(d: Dice): string {
  const off = offset(d);
  const len = Math.min(d.one([PAGE, 2 * PAGE, 16 * PAGE, 64 * PAGE, 128 * PAGE, M, 2 * M]), SPAN - off);
  return `${size(off)} ${size(len)}`;
}

/**
 * The setup: a mount whose controls allow large folios on some path (or, now and then, on
 * none), a 4 MiB file made of written, fallocated or absent pages, mapped whole, and maybe a
 * pin held through the tasks.
 */
function setup(d: Dice): string[] {
  const out: string[] = [];
  const where = d.one(['tmpfs', 'tmpfs', 'tmpfs', 'memfd', 'anon'] as const);
  if (where !== 'tmpfs') {
    out.push(`thp hugepages-${d.one(['2048kB', '2048kB', '64kB', '16kB'])}=always`);
    if (d.chance(50)) out.push('thp shmem_enabled=always');
  }
  if (where === 'anon') out.push(`mount anon ${size(SPAN)}`);
  else out.push(where === 'memfd' ? 'mount memfd' : `mount tmpfs huge=${d.one(['always', 'always', 'within_size', 'advise', 'never'])}`);
  const fill = d.one(['pwrite', 'falloc', 'falloc', 'hole', 'mixed'] as const);
  if (where !== 'anon') out.push(fill === 'pwrite' ? `pwrite 0 ${size(SPAN)}` : fill === 'falloc' ? `falloc 0 ${size(SPAN)}` : `truncate ${size(SPAN)}`);
  else if (fill === 'pwrite') out.push(`mwrite 0 ${size(SPAN)}`);
  else if (fill === 'falloc') out.push(`falloc 0 ${size(SPAN)}`);
  if (fill === 'mixed') out.push('falloc 0 2m', 'pwrite 2m 2m');
  if (where !== 'anon') out.push('mmap');
  if (d.chance(30)) out.push(`pin ${range(d)}`);
  return out;
}

/** One task command of kind `k`. */
function command(d: Dice, k: Kind, anon: boolean): string {
  switch (k) {
    case 'fpunch': return `fpunch ${range(d)}`;
    case 'remove': return `madvise -R ${range(d)}`;
    case 'mread': return `mread ${range(d)}`;
    case 'mwrite': return `mwrite -S ${d.int(1, 255)} ${range(d)}`;
    case 'pwrite': return `pwrite -S ${d.int(1, 255)} ${range(d)}`;
    case 'pread': return `pread ${range(d)}`;
    case 'falloc': return `falloc${d.chance(50) ? ' -k' : ''} ${range(d)}`;
    case 'pin': return `pin ${range(d)}`;
    case 'unpin': return 'unpin';
    case 'seek': return `seek ${d.one(['-d', '-h'])} ${size(offset(d))}`;
    // A region's size is fixed (its VMA is the file); a file shrinks and grows back within the span.
    case 'truncate': return anon ? `pread ${range(d)}` : `truncate ${size(Math.max(2 * M, offset(d)))}`;
  }
}

/**
 * A seeded random script whose tasks race: a setup (mount, a 4 MiB file of written,
 * fallocated or absent pages, mapped), then commands dealt at random to tasks `[A]`, `[B]`, ...
 * — faults (`mread`, `mwrite`) and punches (`fpunch`, `madvise -R`) over the same large
 * folios, with writes, reads, fallocates, pins and seeks among them, so that a fault meets a
 * punch in progress, a split fails on a pin, and a read sees what a fault or punch left.
 * Deterministic in (seed, options); the first line is a comment naming them.
 *
 * ### Example
 * ```ts
 * raceScript(7, { ops: 20, tasks: 2 }) // '# fuzz seed 7, 20 ops, 2 tasks\nmount tmpfs huge=always\n…[B] fpunch …'
 * ```
 */
export function raceScript(seed: number, o: RaceOptions): string {
  const d = new Dice(seed);
  const lines = setup(d);
  const anon = lines.some((l) => l.startsWith('mount anon'));
  const names = Array.from({ length: o.tasks }, (_, k) => String.fromCharCode(65 + k));
  while (lines.length < o.ops) {
    const cmd = command(d, d.one(TABLE), anon);
    lines.push(o.tasks > 1 ? `[${d.one(names)}] ${cmd}` : cmd);
  }
  return [`# fuzz seed ${seed}, ${o.ops} ops, ${o.tasks} tasks`, ...lines, ''].join('\n');
}
