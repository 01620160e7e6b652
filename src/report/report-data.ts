import type { MarkKind, Timeline } from '../query/index.js';

/*
 * What `foliolog report` embeds in its page: the run's facts, its folio lifetimes (or, for a
 * run too large to draw mark by mark, bins of them) and its memory over time, in compact
 * arrays the page expands. Pure.
 */

/** Above this many folios the map is drawn in bins, not mark by mark. */
export const MAX_MARKS = 50_000;
/** Bins of a binned map: operation ranges × page ranges, per file. */
export const OP_BINS = 250;
export const PAGE_BINS = 128;
/** Points of the memory-over-time charts at most (each the state after the last command of its range). */
export const MAX_POINTS = 500;
/** Script lines the page shows at most (the commands' own text is in `ops`). */
export const MAX_SCRIPT_LINES = 2_000;

/** Mark kinds by code, as the page decodes them. */
export const MARK_CODES: readonly MarkKind[] = [
  'uptodate', 'punched', 'split', 'split-failed', 'reclaim-marked', 'reclaim-cleared', 'collapsed', 'pinned', 'unpinned',
  'uptodate-cleared',
];

export interface ReportData {
  readonly run: {
    readonly id: number; readonly source: string; readonly script: string; readonly scriptText: string; readonly policy: string;
    readonly seed: number; readonly status: string; readonly failure: string | null; readonly hash: string | null;
    readonly ops: number; readonly events: number;
  };
  readonly files: ReadonlyArray<{ readonly id: number; readonly name: string }>;
  /** Commands: `[line, op text ('' when binned), current file id or -1]` by `i`. */
  readonly ops: ReadonlyArray<readonly [number, string, number]>;
  /** Folio lifetimes mark by mark, or null when binned. */
  readonly folios: ReadonlyArray<FolioEntry> | null;
  /** Binned maps, or null when drawn mark by mark. */
  readonly bins: BinnedMap | null;
  /** Memory over time: one point per sampled command. */
  readonly memory: MemorySeries;
}

/**
 * `[id, file, pgoff, order, born i, ended i (-1: live), ended state, uptodate i (-1: never),
 * parent (-1: none), states: [state, i][], marks: [kind code, i][]]`.
 */
export type FolioEntry = readonly [number, number, number, number, number, number, string, number, number,
  ReadonlyArray<readonly [string, number]>, ReadonlyArray<readonly [number, number]>];

export interface BinnedMap {
  readonly opsPerBin: number;
  readonly pagesPerBin: number;
  /** `[file, op bin, page bin, folios born there, their most common order]`. */
  readonly cells: ReadonlyArray<readonly [number, number, number, number, number]>;
}

export interface MemorySeries {
  /** The command each point is after. */
  readonly i: readonly number[];
  /** Pages of every live folio. */
  readonly resident: readonly number[];
  /** Pages of live folios that are not uptodate: allocated (fallocate, a fault's zeroes to come, per-block: punched in part) but holding no data. */
  readonly noData: readonly number[];
  /** Live folios per order: `[order, counts by point]`. */
  readonly byOrder: ReadonlyArray<readonly [number, readonly number[]]>;
}

/** The page's data for `t`. Pure. */
export function reportData(t: Timeline): ReportData {
  const r = t.run;
  const nOps = t.ops.length;
  const binned = t.folios.length > MAX_MARKS;
  return {
    run: {
      id: r.id, source: r.source, script: r.scriptName, scriptText: firstLines(r.scriptText, MAX_SCRIPT_LINES), policy: r.policy, seed: r.seed,
      status: r.status, failure: r.failure, hash: r.eventHash, ops: r.ops, events: r.events,
    },
    files: t.files,
    // A binned page names a command by its line only: the text of 40,000 commands would be
    // most of the page, and no folio's history is in it to show them.
    ops: t.ops.map((o) => [o.line, binned ? '' : o.op, o.file ?? -1] as const),
    folios: binned ? null : t.folios.map((f): FolioEntry => [
      f.id, f.file, f.pgoff, f.order, f.born, f.ended ?? -1, f.endedState ?? 'live', f.uptodate ?? -1, f.parent ?? -1,
      f.states.map(([s, i]) => [s, i] as const), f.marks.map(([k, i]) => [MARK_CODES.indexOf(k), i] as const),
    ]),
    bins: binned ? binMap(t, nOps) : null,
    memory: memorySeries(t, nOps),
  };
}

/** The first `n` lines of `text`, and how many more there were. Pure. */
function firstLines(text: string, n: number): string {
  const lines = text.split('\n');
  if (lines.length <= n + 1) return text;
  return `${lines.slice(0, n).join('\n')}\n… (${lines.length - n - (lines.at(-1) === '' ? 1 : 0)} more lines)\n`;
}

function binMap(t: Timeline, nOps: number): BinnedMap {
  const opsPerBin = Math.max(1, Math.ceil(nOps / OP_BINS));
  let maxPage = 1;
  for (const f of t.folios) maxPage = Math.max(maxPage, f.pgoff + 2 ** f.order);
  const pagesPerBin = 2 ** Math.max(0, Math.ceil(Math.log2(maxPage / PAGE_BINS)));
  const cells = new Map<string, { file: number; ob: number; pb: number; n: number; orders: number[] }>();
  for (const f of t.folios) {
    const ob = Math.floor(f.born / opsPerBin);
    const pb = Math.floor(f.pgoff / pagesPerBin);
    const key = `${f.file}/${ob}/${pb}`;
    let c = cells.get(key);
    if (c === undefined) cells.set(key, c = { file: f.file, ob, pb, n: 0, orders: [] });
    c.n++;
    c.orders[f.order] = (c.orders[f.order] ?? 0) + 1;
  }
  return {
    opsPerBin, pagesPerBin,
    cells: [...cells.values()].map((c) => [c.file, c.ob, c.pb, c.n, mostCommon(c.orders)] as const),
  };
}

function mostCommon(counts: readonly number[]): number {
  let best = 0;
  for (let o = 0; o < counts.length; o++) if ((counts[o] ?? 0) > (counts[best] ?? 0)) best = o;
  return best;
}

/**
 * Resident pages, pages holding no data and folios per order after each command, from the
 * lifetimes (a difference array over commands), sampled to at most MAX_POINTS points.
 */
function memorySeries(t: Timeline, nOps: number): MemorySeries {
  const resident = new Float64Array(nOps + 1);
  const noData = new Float64Array(nOps + 1);
  const orders = new Map<number, Float64Array>();
  for (const f of t.folios) {
    const pages = 2 ** f.order;
    // Live after commands born..ended-1 (a folio ended by command e is gone after it).
    const end = f.ended ?? nOps;
    resident[f.born]! += pages;
    resident[end]! -= pages;
    const up = f.uptodate === null ? end : Math.min(end, f.uptodate);
    noData[f.born]! += pages;
    noData[up]! -= pages;
    // Per-block policy: a punch may clear it (not uptodate again) and a later write or fault fill it.
    let cleared = -1;
    for (const [kind, i] of f.marks) {
      if (kind === 'uptodate-cleared' && cleared < 0) cleared = i;
      else if (kind === 'uptodate' && cleared >= 0) {
        noData[cleared]! += pages;
        noData[Math.min(end, i)]! -= pages;
        cleared = -1;
      }
    }
    if (cleared >= 0 && cleared < end) {
      noData[cleared]! += pages;
      noData[end]! -= pages;
    }
    let byOrder = orders.get(f.order);
    if (byOrder === undefined) orders.set(f.order, byOrder = new Float64Array(nOps + 1));
    byOrder[f.born]! += 1;
    byOrder[end]! -= 1;
  }
  const step = Math.max(1, Math.ceil(nOps / MAX_POINTS));
  const points: number[] = [];
  for (let i = step - 1; i < nOps; i += step) points.push(i);
  if (nOps > 0 && points.at(-1) !== nOps - 1) points.push(nOps - 1);
  const sample = (d: Float64Array): number[] => {
    const out: number[] = [];
    let sum = 0;
    let k = 0;
    for (let i = 0; i < nOps && k < points.length; i++) {
      sum += d[i]!;
      if (i === points[k]) {
        out.push(sum);
        k++;
      }
    }
    return out;
  };
  return {
    i: points, resident: sample(resident), noData: sample(noData),
    byOrder: [...orders.keys()].sort((a, b) => a - b).map((o) => [o, sample(orders.get(o)!)] as const),
  };
}
