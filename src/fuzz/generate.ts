import { Dice } from './dice.js';

/**
 * The random script mixes: each weights a different corner of the model (issue 15). `long`
 * weights everything alike over longer scripts.
 */
export const MIXES = ['files', 'pins', 'collapse', 'knobs', 'enospc', 'long'] as const;

/** The name of a random script mix. */
export type MixName = (typeof MIXES)[number];

/** The kinds of command the generator writes; each mix weights them. */
type Kind = 'mount' | 'open' | 'unlink' | 'pwrite' | 'pread' | 'falloc' | 'fpunch' | 'truncate' | 'seek' | 'mmap'
  | 'mread' | 'mwrite' | 'madvise' | 'collapse' | 'remove' | 'pin' | 'unpin' | 'reclaim' | 'khugepaged' | 'remount' | 'knob';

const BASE: Readonly<Record<Kind, number>> = {
  mount: 3, open: 3, unlink: 1, pwrite: 12, pread: 2, falloc: 6, fpunch: 8, truncate: 4, seek: 4, mmap: 4,
  mread: 4, mwrite: 4, madvise: 2, collapse: 3, remove: 2, pin: 3, unpin: 2, reclaim: 2, khugepaged: 2, remount: 2, knob: 3,
};

/** What each mix weights more than `BASE` (multipliers), and its default length. */
const MIX: Readonly<Record<MixName, { readonly boost: Partial<Record<Kind, number>>; readonly ops: readonly [number, number] }>> = {
  files: { boost: { mount: 3, open: 4, unlink: 4, mmap: 2 }, ops: [20, 60] },
  pins: { boost: { pin: 4, unpin: 2, fpunch: 2, truncate: 2, reclaim: 3, remove: 2 }, ops: [20, 60] },
  collapse: { boost: { falloc: 3, collapse: 5, khugepaged: 4, mmap: 2, knob: 2 }, ops: [20, 60] },
  knobs: { boost: { remount: 5, knob: 5, mount: 2 }, ops: [20, 60] },
  enospc: { boost: { pwrite: 2, falloc: 2, reclaim: 2 }, ops: [20, 60] },
  long: { boost: {}, ops: [60, 150] },
};

/** The default length of a mix's scripts, in commands (both ends included). */
export function mixOps(mix: MixName): readonly [number, number] {
  return MIX[mix].ops;
}

/** True when `name` names a mix. Pure. */
export function isMixName(name: string): name is MixName {
  return (MIXES as readonly string[]).includes(name);
}

const HUGE = ['never', 'always', 'within_size', 'advise'] as const;
const SIZE_VALUES = ['always', 'inherit', 'within_size', 'advise', 'never'] as const;
const SIZES = ['16kB', '64kB', '512kB', '2048kB'] as const;
const ADVICE = ['-h', '-n', '-d', '-r', '-s', '-w'] as const;

/** What the script has set up so far, so that most commands land somewhere meaningful. */
interface Shape {
  kind: 'tmpfs' | 'memfd' | 'anon' | 'sysv' | undefined;
  /** Bytes of the region (anon, sysv) or the range commands aim at. */
  span: number;
  mapped: boolean;
  names: number;
  pins: number;
  /** khugepaged.max_ptes_none is below 511. */
  lowNone: boolean;
}

const K = 4096;
const M = 1 << 20;

/** An offset in [0, span): page-aligned, often 64 KiB- or 2 MiB-aligned, now and then unaligned. */
function offset(d: Dice, span: number): number {
  const r = d.int(0, 9);
  const unit = r < 3 ? 2 * M : r < 6 ? 64 * K : r < 9 ? K : 1;
  return Math.floor(d.int(0, Math.max(span - 1, 0)) / unit) * unit;
}

/** A length: a page to 4 MiB, biased to the sizes folios come in. */
function length(d: Dice): number {
  return d.one([K, 2 * K, 16 * K, 60 * K, 64 * K, 100 * K, 512 * K, M, 2 * M, 2 * M + 4 * K, 4 * M, 3000]);
}

/** `OFF LEN` in the span. */
function range(d: Dice, s: Shape): string {
  return `${offset(d, s.span)} ${length(d)}`;
}

/** A `mount` line of the mix, and the shape it leaves. */
function mount(d: Dice, s: Shape, mix: MixName): string {
  const kind = d.one(['tmpfs', 'tmpfs', 'memfd', 'anon', 'sysv'] as const);
  Object.assign(s, { kind, mapped: kind === 'anon' || kind === 'sysv', names: 1, span: 8 * M });
  if (kind === 'memfd') return 'mount memfd';
  if (kind !== 'tmpfs') {
    s.span = d.one([2, 4, 6, 8]) * M;
    return `mount ${kind} ${s.span}`;
  }
  const limit = mix === 'enospc' || d.chance(10) ? ` size=${d.one([16 * K, 64 * K, 2 * M, 4 * M, 6 * M])}` : '';
  return `mount tmpfs huge=${d.one(HUGE)}${limit}`;
}

/** One command of kind `k`, given the shape so far (which it updates). */
function command(d: Dice, k: Kind, s: Shape, mix: MixName): string {
  const map = s.mapped ? ` ${range(d, s)}` : '';
  switch (k) {
    case 'mount': return mount(d, s, mix);
    case 'open': {
      if (s.kind === 'anon' || s.kind === 'sysv') return `open f${d.int(0, 2)}`;
      const name = `f${d.int(0, s.names)}`;
      s.names = Math.min(s.names + 1, 4);
      s.mapped = false;
      return `open ${name}`;
    }
    case 'unlink': return 'unlink';
    case 'pwrite': return `pwrite ${range(d, s)}`;
    case 'pread': return `pread ${range(d, s)}`;
    case 'falloc': return `falloc ${d.chance(50) ? '-k ' : ''}${range(d, s)}`;
    case 'fpunch': return `fpunch ${range(d, s)}`;
    case 'truncate': return `truncate ${offset(d, s.span + 2 * M)}`;
    case 'seek': return `seek ${d.one(['-d', '-h'])} ${offset(d, s.span)}`;
    case 'mmap':
      if (s.kind === 'anon' || s.kind === 'sysv') return `mread${map}`;
      s.mapped = true;
      return d.chance(20) ? `mmap -m ${d.one([K, 64 * K])}` : 'mmap';
    case 'mread': return `mread${d.chance(70) ? map : ''}`;
    case 'mwrite': return `mwrite${d.chance(70) ? map : ''}`;
    case 'madvise': return `madvise ${d.one(ADVICE)}${d.chance(70) ? map : ''}`;
    case 'collapse': return `madvise -c${d.chance(60) ? map : ''}`;
    case 'remove': return `madvise -R${map}`;
    case 'pin': s.pins++; return `pin${map}`;
    case 'unpin': s.pins = 0; return 'unpin';
    case 'reclaim': return reclaim(s);
    case 'khugepaged': return 'khugepaged';
    case 'remount': return `remount huge=${d.one(HUGE)}`;
    case 'knob': return knob(d, s);
  }
}

/**
 * `reclaim`, or what must come before it so that its counters are the script's: a pinned EOF
 * folio makes it count split_failed once per memory cgroup and node the shrinker walks (corpus
 * UNSTABLE.md, 363), and with max_ptes_none below 511 the deferred-split shrinker splits the
 * underused anonymous THPs of every process on the machine (measured: random pins 2042).
 */
function reclaim(s: Shape): string {
  if (s.pins > 0) {
    s.pins = 0;
    return 'unpin';
  }
  if (s.lowNone) {
    s.lowNone = false;
    return 'thp khugepaged.max_ptes_none=511';
  }
  return 'reclaim';
}

/** A `thp` line: the global knob, a per-size knob or max_ptes_none. */
function knob(d: Dice, s: Shape): string {
  const r = d.int(0, 9);
  if (r < 4) return `thp shmem_enabled=${d.one(HUGE)}`;
  if (r < 9) return `thp hugepages-${d.one(SIZES)}=${d.one(SIZE_VALUES)}`;
  const none = d.one([0, 256, 511]);
  s.lowNone = none < 511;
  return `thp khugepaged.max_ptes_none=${none}`;
}

/** The weighted kinds of a mix, as a table to draw from. Pure. */
function kinds(mix: MixName): Kind[] {
  const out: Kind[] = [];
  for (const [k, w] of Object.entries(BASE) as Array<[Kind, number]>) {
    for (let n = 0; n < w * (MIX[mix].boost[k] ?? 1); n++) out.push(k);
  }
  return out;
}

/**
 * A seeded random script of the mix, as text (one command a line, a header comment naming mix
 * and seed): a mount first, then `ops` − 1 commands drawn by the mix's weights, most of them
 * aimed at what the script has set up. Deterministic in (mix, seed, ops range); `foliolog
 * conformance --random` runs it on the kernel and the model, and a fuzzer can draw from it too.
 * @param ops - the least and most commands (both included); default `mixOps(mix)`
 *
 * ### Example
 * ```ts
 * const text = randomScript('pins', 7) // '# random mix pins, seed 7\nmount tmpfs huge=always\n…'
 * ```
 */
export function randomScript(mix: MixName, seed: number, ops: readonly [number, number] = mixOps(mix)): string {
  const d = new Dice(seed);
  const table = kinds(mix);
  const shape: Shape = { kind: undefined, span: 8 * M, mapped: false, names: 1, pins: 0, lowNone: false };
  const n = d.int(ops[0], ops[1]);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 && d.chance(30)) lines.push(knob(d, shape));
    else lines.push(i <= 1 && shape.kind === undefined ? mount(d, shape, mix) : command(d, d.one(table), shape, mix));
  }
  return `# random mix ${mix}, seed ${seed}\n${lines.join('\n')}\n`;
}
