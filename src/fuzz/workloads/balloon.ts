import { HPAGE_PMD_NR, PAGE_SIZE } from '../../model/index.js';
import { Dice } from '../dice.js';
import { type OptionSpec, type OptionSpecs, SZ_1G, choiceSpec, follows, headerLine, intSpec, listSpec, memorySpec, sizeSpec } from './options.js';
import { Out, cmd } from './_out.js';
import { alignedIn, weighted } from './_pick.js';

/** Bytes of a PMD-sized folio (2 MiB). */
const PMD_SIZE = HPAGE_PMD_NR * PAGE_SIZE;
const SZ_64K = 16 * PAGE_SIZE;

/** The per-size knobs the kernel lists, `hugepages-<size>/shmem_enabled` (orders 1..9). */
export const MTHP_SIZES = ['8kB', '16kB', '32kB', '64kB', '128kB', '256kB', '512kB', '1024kB', '2048kB'] as const;

/** A size of `MTHP_SIZES`. */
export type MthpSize = (typeof MTHP_SIZES)[number];

/** What `balloonScript` writes. */
export interface BalloonOptions {
  /** Commands in the script, setup included. */
  readonly ops: number;
  /** Guest RAM, in bytes (a multiple of 2 MiB). */
  readonly size: number;
  /** A memfd (`mount memfd`, `truncate`, `mmap`) or a `MAP_SHARED|MAP_ANONYMOUS` region (`mount anon`). */
  readonly backing: 'memfd' | 'anon';
  /** The sizes whose `hugepages-<size>kB/shmem_enabled` is set to `enabled`; the other sizes are `never`. */
  readonly sizes: readonly MthpSize[];
  /** `always`, or `inherit` with the global `shmem_enabled=always`. */
  readonly enabled: 'always' | 'inherit';
  /** Device buffers pinned at once, at most (0: no device). */
  readonly pins: number;
  /** The `memory` line after the setup, in bytes: the host's limit on the guest RAM resident (0: no line). */
  readonly memory: number;
  /** Migration or snapshot passes of SEEK_DATA/SEEK_HOLE over the memfd (0: none; always 0 with `anon`). */
  readonly snapshots: number;
}

/** Seek pairs (`seek -d`, `seek -h`) a snapshot pass writes, at most. */
const SNAPSHOT_SEEKS = 32;

/** 5/8 of the guest RAM, rounded down to a page: the host overcommits its guests. Pure. */
function fiveEighths(size: number): number {
  return Math.floor((size * 5) / 8 / PAGE_SIZE) * PAGE_SIZE;
}

/** `spec`, refusing a count above 0 with `--backing anon`: an anonymous shared region has no file descriptor to seek. Pure. */
function memfdOnly(spec: OptionSpec<number, BalloonOptions>): OptionSpec<number, BalloonOptions> {
  return {
    ...spec,
    parse(text, earlier) {
      const n = spec.parse(text, earlier);
      if (n > 0 && earlier.backing === 'anon') throw new RangeError(`an anonymous region has no file descriptor to seek (use --backing memfd): ${text}`);
      return n;
    },
  };
}

/** The options of `foliolog gen balloon`, with their defaults. */
export const BALLOON_OPTIONS: OptionSpecs<BalloonOptions> = {
  ops: intSpec('commands in the script, setup included', 1500, 10, 100_000),
  size: sizeSpec('guest RAM', 128 * PMD_SIZE, PMD_SIZE, 4 * PMD_SIZE, 64 * SZ_1G),
  backing: choiceSpec('guest RAM in a memfd (mount memfd, truncate, mmap) or an anonymous shared region (mount anon)', ['memfd', 'anon'], 'memfd'),
  sizes: listSpec('mTHP sizes guest faults may take; the others are set to never', MTHP_SIZES, ['64kB', '2048kB']),
  enabled: choiceSpec('the value of those sizes\' knobs (inherit: with shmem_enabled=always)', ['always', 'inherit'], 'always'),
  pins: intSpec('device buffers pinned at once, at most (0: no device)', 8, 0, 64),
  memory: memorySpec<BalloonOptions>(follows('size', '5/8 of --size, rounded down to 4k', fiveEighths)),
  snapshots: memfdOnly(intSpec<BalloonOptions>(
    'migration or snapshot passes that seek data and holes through the memfd (0: none; memfd only)',
    follows('backing', '4 with --backing memfd, 0 with anon', (backing) => (backing === 'memfd' ? 4 : 0)), 0, 32,
  )),
};

/** What the host knows of the guest so far: where it touched, what the balloon holds, what the device pins. */
class Guest {
  readonly size: number;
  readonly #touched: Uint8Array;
  /** Indexes of the 2 MiB blocks touched, in the order first touched. */
  readonly touchedBlocks: number[] = [];
  /** Pages (4 KiB indexes) in the balloon; `stack` holds them in inflation order, with stale entries. */
  readonly ballooned = new Set<number>();
  readonly stack: number[] = [];
  readonly pins: Array<{ readonly pos: number; readonly len: number }> = [];

  constructor(size: number) {
    this.size = size;
    this.#touched = new Uint8Array(size / PMD_SIZE);
  }

  /** The guest used `[pos, pos + len)`: pages the balloon held there went back to it first. */
  touch(pos: number, len: number): void {
    for (let b = Math.floor(pos / PMD_SIZE); b * PMD_SIZE < pos + len; b++) {
      if (this.#touched[b] === 0) this.touchedBlocks.push(b);
      this.#touched[b] = 1;
    }
    if (this.ballooned.size === 0) return;
    for (let p = pos / PAGE_SIZE; p < (pos + len) / PAGE_SIZE; p++) this.ballooned.delete(p);
  }

  /** A 2 MiB block: a touched one with probability `percent` / 100 (when there is one), else any. */
  block(d: Dice, percent: number): number {
    return this.touchedBlocks.length > 0 && d.chance(percent) ? d.one(this.touchedBlocks) : d.int(0, this.size / PMD_SIZE - 1);
  }

  pinned(pos: number, len: number): boolean {
    return this.pins.some((p) => p.pos < pos + len && pos < p.pos + p.len);
  }
}

/** Boot: the guest faults memory in mostly sequentially from 0, in 64 KiB to 2 MiB pieces, up to 30–50% of RAM. */
function boot(d: Dice, g: Guest, out: Out, budget: number): void {
  const end = Math.floor((g.size * d.int(30, 50)) / 100);
  let cursor = 0;
  for (let n = 0; n < budget && cursor < end; n++) {
    const len = Math.min(d.one([SZ_64K, 4 * SZ_64K, 16 * SZ_64K, PMD_SIZE, PMD_SIZE]), g.size - cursor);
    out.push(d.chance(85) ? cmd.mwrite(cursor, len, d.int(1, 255)) : cmd.mread(cursor, len));
    g.touch(cursor, len);
    cursor += len + (d.chance(10) ? d.int(1, 64) * SZ_64K : 0);
  }
}

/** The guest uses memory at random: a page to 2 MiB, aligned to its size as the buddy allocator hands it out. */
function touch(d: Dice, g: Guest, out: Out): void {
  const len = d.one([PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 4 * PAGE_SIZE, SZ_64K, SZ_64K, 4 * SZ_64K, PMD_SIZE]);
  const pos = alignedIn(d, g.size, len, len);
  out.push(d.chance(70) ? cmd.mwrite(pos, len, d.int(1, 255)) : cmd.mread(pos, len));
  g.touch(pos, len);
}

/**
 * The balloon inflates: the guest hands it pages one at a time, in runs and scattered over one
 * 2 MiB block, and the host punches each (`madvise -R OFF 4k`). Pages the device pins are never handed over.
 */
function inflate(d: Dice, g: Guest, out: Out): void {
  const first = g.block(d, 85) * HPAGE_PMD_NR;
  let page = first + d.int(0, HPAGE_PMD_NR - 1);
  for (let n = d.int(8, 32); n > 0; n--) {
    page = d.chance(60) ? first + ((page + 1 - first) % HPAGE_PMD_NR) : first + d.int(0, HPAGE_PMD_NR - 1);
    if (g.ballooned.has(page) || g.pinned(page * PAGE_SIZE, PAGE_SIZE)) continue;
    if (!out.push(cmd.madvise('remove', page * PAGE_SIZE, PAGE_SIZE))) return;
    g.ballooned.add(page);
    g.stack.push(page);
  }
}

/** The balloon deflates: the pages it gave back last are touched again by the guest, one at a time. */
function deflate(d: Dice, g: Guest, out: Out): void {
  for (let n = d.int(8, 32); n > 0 && g.stack.length > 0;) {
    const page = g.stack.pop()!;
    if (!g.ballooned.has(page)) continue; // the guest touched it already
    const pos = page * PAGE_SIZE;
    if (!out.push(d.chance(70) ? cmd.mwrite(pos, PAGE_SIZE, d.int(1, 255)) : cmd.mread(pos, PAGE_SIZE))) return;
    g.touch(pos, PAGE_SIZE);
    n--;
  }
}

/** Free page reporting: 1–4 free 2 MiB-aligned blocks (or, now and then, 64 KiB pieces) punched whole. */
function report(d: Dice, g: Guest, out: Out): void {
  for (let n = d.int(1, 4); n > 0; n--) {
    const whole = d.chance(70);
    const pos = g.block(d, whole ? 70 : 90) * PMD_SIZE + (whole ? 0 : d.int(0, HPAGE_PMD_NR / 16 - 1) * SZ_64K);
    const len = whole ? PMD_SIZE : SZ_64K;
    if (g.pinned(pos, len)) continue; // memory the device uses is not free
    if (!out.push(cmd.madvise('remove', pos, len))) return;
  }
}

/** A device pins a buffer of 1–4 pages in memory the guest uses (not in the balloon, not overlapping another pin). */
function pin(d: Dice, g: Guest, out: Out): void {
  const len = d.one([PAGE_SIZE, PAGE_SIZE, 2 * PAGE_SIZE, 4 * PAGE_SIZE]);
  const pos = Math.min(g.block(d, 95) * PMD_SIZE + d.int(0, HPAGE_PMD_NR - 1) * PAGE_SIZE, g.size - len);
  const inBalloon = Array.from({ length: len / PAGE_SIZE }, (_, k) => pos / PAGE_SIZE + k).some((p) => g.ballooned.has(p));
  if (inBalloon || g.pinned(pos, len)) return;
  if (out.push(cmd.pin(pos, len))) g.pins.push({ pos, len });
}

/** The device releases one of its buffers. */
function unpin(d: Dice, g: Guest, out: Out): void {
  const k = d.int(0, g.pins.length - 1);
  const p = g.pins[k]!;
  if (out.push(cmd.unpin(p.pos, p.len))) g.pins.splice(k, 1);
}

/**
 * A VMM's migration or snapshot pass over the memfd: before copying the guest RAM it asks the
 * file where it holds data (`lseek` SEEK_DATA, then SEEK_HOLE) and skips the holes, so every
 * hole that reads as data is copied for nothing. The generator does not know the model's
 * answers, so instead of following them it asks at a fixed plan that stands for the data a
 * walk would find: at the start of up to `pairs` of the 2 MiB blocks the guest has touched,
 * spread evenly over them in address order (the first is block 0, where boot began),
 * `seek -d START` then `seek -h START`. Seeking past the last data answers ENXIO, where a real
 * walk ends.
 */
function snapshot(g: Guest, out: Out, pairs: number): void {
  const blocks = [...g.touchedBlocks].sort((a, b) => a - b);
  const k = Math.min(blocks.length, pairs);
  for (let i = 0; i < k; i++) {
    const start = blocks[Math.floor((i * blocks.length) / k)]! * PMD_SIZE;
    if (!out.push(cmd.seek('data', start)) || !out.push(cmd.seek('hole', start))) return;
  }
}

/** When the snapshot passes start, and how many seek pairs each may write. */
interface SnapshotPlan {
  /** The number of commands still to write at which each pass is due, largest first. */
  readonly due: number[];
  readonly pairs: number;
}

/**
 * `n` passes spread evenly through the `left` commands that follow boot, each of at most
 * `SNAPSHOT_SEEKS` pairs and, in a short script, small enough that the passes take at most
 * half of those commands (at least one pair; a script too short for `n` passes gets fewer). Pure.
 */
function snapshotPlan(left: number, n: number): SnapshotPlan {
  return {
    due: Array.from({ length: n }, (_, j) => left - Math.floor(((j + 1) * left) / (n + 1))),
    pairs: n === 0 ? 0 : Math.max(1, Math.min(SNAPSHOT_SEEKS, Math.floor(left / (4 * n)))),
  };
}

/**
 * The `thp` line: the chosen sizes set to `enabled`; a script starts from the kernel's defaults
 * (every size `never` but `2048kB=inherit`), so 2048kB is set to `never` when it is not chosen.
 */
function knobs(o: BalloonOptions): Array<readonly [string, string]> {
  const global: Array<readonly [string, string]> = o.enabled === 'inherit' ? [['shmem_enabled', 'always']] : [];
  const pmd: Array<readonly [string, string]> = o.sizes.includes('2048kB') ? [] : [['hugepages-2048kB', 'never']];
  return [...global, ...o.sizes.map((s) => [`hugepages-${s}`, o.enabled] as const), ...pmd];
}

/**
 * A virtual machine's guest RAM backed by shmem, as a VMM backs it (a memfd, or an anonymous
 * shared mapping), with large folios from the per-size knobs (`thp hugepages-<N>kB=...`: the
 * knobs anonymous-shmem and memfd faults follow, kernel.md §1.2). The guest boots, faulting
 * memory in mostly sequentially, then touches it at random (`mwrite`/`mread`); a
 * virtio-balloon driver inflates by handing pages over one at a time, each punched with
 * `madvise -R OFF 4k`, and deflates by letting the guest touch them again; free page reporting
 * punches free 2 MiB blocks and 64 KiB pieces (`madvise -R`); a device pins small buffers
 * (`pin`, later `unpin`), so punches of pages that share a large folio with a pinned page cannot
 * split it (`split_failed`). Right after the setup a `memory` line (`o.memory`, by default 5/8
 * of the guest RAM) has the model reclaim whenever the guest holds more, as a host that
 * overcommits its guests does; with a memfd, `o.snapshots` times the VMM walks the guest RAM
 * with SEEK_DATA/SEEK_HOLE (`seek -d`, `seek -h`) as a migration or snapshot does. Exactly
 * `o.ops` commands; the first line is a comment naming generator, seed and every option.
 * Pure: the same (seed, options) give the same text.
 *
 * ### Example
 * ```ts
 * balloonScript(1, { ...defaultOptions(BALLOON_OPTIONS), ops: 200 })
 * // '# foliolog gen balloon --seed 1 --ops 200 --size 256m ...\nthp hugepages-64kB=always hugepages-2048kB=always\nmount memfd\ntruncate 256m\nmmap\nmemory 160m\n…'
 * ```
 */
export function balloonScript(seed: number, o: BalloonOptions): string {
  // An anonymous region has no file descriptor to seek: no pass, and the header says so.
  const used = o.backing === 'anon' ? { ...o, snapshots: 0 } : o;
  const d = new Dice(seed);
  const out = new Out(o.ops);
  const g = new Guest(o.size);
  out.push(cmd.thp(knobs(o)));
  if (o.backing === 'anon') out.push(cmd.mountAnon(o.size));
  else [cmd.mountMemfd(), cmd.truncate(o.size), cmd.mmap()].forEach((c) => out.push(c));
  if (o.memory > 0) out.push(cmd.memory(o.memory));
  boot(d, g, out, Math.max(1, Math.floor(out.left / 10)));
  const plan = snapshotPlan(out.left, used.snapshots);
  // The guest works between two passes, however short the script.
  let walked = false;
  while (out.left > 0) {
    if (!walked && plan.due.length > 0 && out.left <= plan.due[0]!) {
      plan.due.shift();
      snapshot(g, out, plan.pairs);
      walked = true;
      continue;
    }
    walked = false;
    const kind = weighted(d, {
      touch: 90, inflate: 12, deflate: g.stack.length > 0 ? 7 : 0, report: 8,
      pin: g.pins.length < o.pins ? 4 : 0, unpin: g.pins.length > 0 ? 3 : 0,
    });
    ({ touch, inflate, deflate, report, pin, unpin })[kind](d, g, out);
  }
  return out.text(headerLine('balloon', seed, BALLOON_OPTIONS, used));
}
