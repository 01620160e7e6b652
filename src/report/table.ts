import type { FolioTriple, Observation } from '../script/index.js';
import { columns } from './columns.js';
import { layoutText } from './layout.js';

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

/** The longest op text the table makes room for; a longer one pushes its row's later columns right. */
const OP_WIDTH = 40;
/** Room for ret and size (up to 10 digits line up: 9 GiB) and blocks; a larger value pushes its row right. */
const NUMBER_WIDTH = 10;
const BLOCKS_WIDTH = 8;
/** Room for the counters changed; more push the folios column right on that row. */
const STATS_WIDTH = 28;

/**
 * The readable per-command table of `foliolog run` and `foliolog kernel`, printed row by row as
 * the commands finish: every width is fixed before the first row — from the script for `i`,
 * `line` and `op`, capped for the rest — so a row never waits for the rows after it and a
 * 100,000-command table costs what its `--json` costs. The layout (kernel.md notation) comes
 * last, where its length disturbs nothing. Pure.
 *
 * ### Example
 * ```ts
 * const t = new ObservationTable(script.lines)
 * out.write(`${t.header()}\n`); for (const o of observations) out.write(`${t.row(o, o.folios)}\n`)
 * ```
 */
export class ObservationTable {
  readonly #widths: readonly number[];

  /** Widths from the script's lines (task prefixes included). */
  constructor(lines: ReadonlyArray<{ readonly line: number; readonly op: string; readonly task?: string | undefined }>) {
    const op = Math.min(OP_WIDTH, Math.max(2, ...lines.map((l) => l.op.length + (l.task === undefined ? 0 : 4))));
    const digits = (n: number): number => String(n).length;
    this.#widths = [Math.max(1, digits(lines.length - 1)), Math.max(4, digits(lines.at(-1)?.line ?? 0)), op,
      NUMBER_WIDTH, NUMBER_WIDTH, BLOCKS_WIDTH, STATS_WIDTH];
  }

  /** The header line. */
  header(): string {
    return this.#line(['i', 'line', 'op', 'ret', 'size', 'blocks', 'stats', 'folios']);
  }

  /**
   * One command's row (`[A] op` for a line of task A), its layout from `folios`: the observation's list, or a walk of the page
   * cache with its folio `count`, of which the row reads only the folios it shows.
   */
  row(o: Omit<Observation, 'folios'>, folios: Iterable<FolioTriple>, count?: number): string {
    // A task's line shows its prefix as written (the `op` of §2 carries none: `task` holds it).
    const op = o.task === undefined ? o.op : `[${o.task}] ${o.op}`;
    return this.#line([String(o.i), String(o.line), op, String(o.ret), String(o.size), String(o.blocks), statsText(o.stats), layoutText(folios, 24, count)]);
  }

  #line(cells: readonly string[]): string {
    let out = '';
    let pad = 0;
    for (const [k, cell] of cells.entries()) {
      out += ' '.repeat(pad) + cell;
      // Two blanks after each column; a cell longer than its column shifts the rest of the row.
      pad = k < this.#widths.length ? Math.max(2, this.#widths[k]! + 2 - cell.length) : 0;
    }
    return out.trimEnd();
  }
}

/** One row of `foliolog runs`. */
export interface RunListRow {
  readonly id: number; readonly source: string; readonly script: string; readonly policy: string;
  readonly seed: number; readonly ops: number; readonly events: number; readonly status: string; readonly created: string;
}

/** The readable table of `foliolog runs`: linear in the runs (see columns.ts). Pure. */
export function runsTable(runs: readonly RunListRow[]): string {
  return columns([['id', 'source', 'script', 'policy', 'seed', 'ops', 'events', 'status', 'created'],
    ...runs.map((r) => [r.id, r.source, r.script, r.policy, r.seed, r.ops, r.events, r.status, r.created].map(String))]);
}
