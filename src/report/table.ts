import Table from 'cli-table3';
import type { Observation } from '../script/index.js';
import { layoutText } from './layout.js';

/** The table without the padding after each line's last column. Pure. */
function trimLines(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).join('\n');
}

/** Borderless columns, like `ps` or `git log --format` tables. */
const PLAIN = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
  'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

/** `{"2048kB":{"split":1}}` as `2048kB.split+1`. Pure. */
export function statsText(stats: Observation['stats']): string {
  const out: string[] = [];
  for (const [size, counters] of Object.entries(stats)) {
    for (const [name, d] of Object.entries(counters)) out.push(`${size}.${name}${d >= 0 ? '+' : ''}${d}`);
  }
  return out.join(' ');
}

/** Summed counters, `{"2048kB":{"split":3}}` as `2048kB.split=3`. Pure. */
export function countersText(stats: Observation['stats']): string {
  return Object.entries(stats).flatMap(([size, counters]) => Object.entries(counters).map(([name, n]) => `${size}.${name}=${n}`)).join(' ');
}

/**
 * The readable per-command table `foliolog run` prints without `--json`: one row per command
 * with its result, layout (kernel.md notation), counters changed, i_size and st_blocks. Pure.
 */
export function observationTable(observations: readonly Observation[]): string {
  const table = new Table({
    head: ['i', 'line', 'op', 'ret', 'folios', 'stats', 'size', 'blocks'],
    chars: PLAIN,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
  });
  for (const o of observations) {
    table.push([o.i, o.line, o.op, String(o.ret), layoutText(o.folios), statsText(o.stats), String(o.size), String(o.blocks)]);
  }
  return trimLines(table.toString());
}

/** One row of `foliolog runs`. */
export interface RunListRow {
  readonly id: number; readonly source: string; readonly script: string; readonly policy: string;
  readonly seed: number; readonly ops: number; readonly events: number; readonly status: string; readonly created: string;
}

/** The readable table of `foliolog runs`. Pure. */
export function runsTable(runs: readonly RunListRow[]): string {
  const table = new Table({
    head: ['id', 'source', 'script', 'policy', 'seed', 'ops', 'events', 'status', 'created'],
    chars: PLAIN,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
  });
  for (const r of runs) table.push([r.id, r.source, r.script, r.policy, r.seed, r.ops, r.events, r.status, r.created]);
  return trimLines(table.toString());
}
