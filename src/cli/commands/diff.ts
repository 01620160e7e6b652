import type { DiffSide, FirstDifference, RunDiff } from '../../query/index.js';
import { diffRuns, readTimeline } from '../../query/index.js';
import { columns, countersText, reportData, reportHtml } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import type { CliEnv } from '../io.js';
import { fieldText } from '../field-text.js';
import { jsonText } from '../json.js';
import { parseRunRef } from '../run-id.js';
import { chartLibraries, writeWhole } from '../written-files.js';

/** Options of `foliolog diff`. */
export interface DiffOptions {
  readonly db: string;
  readonly json: boolean;
  readonly all: boolean;
  /** `--html FILE`: also write the two runs' maps, one above the other, the first divergence marked. */
  readonly html?: string | undefined;
}

function sideText(label: string, s: DiffSide): string {
  const what = s.source === 'kernel' ? `kernel ${s.release ?? '?'}` : 'model';
  return `${label}: run ${s.run} (${what}, ${s.script}, ${s.status}): ${s.ops} ops`;
}

function differenceText(d: FirstDifference, label: string): string[] {
  const lines = [`${label}: i ${d.i}, line ${d.line}: ${d.op}`];
  for (const [name, [x, y]] of Object.entries(d.fields)) {
    lines.push(`  ${name}:`, `    a: ${fieldText(name, x)}`, `    b: ${fieldText(name, y)}`);
  }
  return lines;
}

const count = (n: number | null): string => (n === null ? '?' : String(n));
const tally = (m: Readonly<Record<string, number>> | null): string =>
  m === null ? '?' : Object.entries(m).map(([k, n]) => `${k}=${n}`).join(' ') || '(none)';

/**
 * The side-by-side summary: the numbers in columns, then the lists (folios per order, counters,
 * events per state) one line per run, which stay readable however long they grow. Pure.
 */
function summaryText(a: DiffSide, b: DiffSide): string {
  const numbers = columns([
    ['summary', `a (run ${a.run})`, `b (run ${b.run})`],
    ['operations', String(a.ops), String(b.ops)],
    ['peak resident pages', count(a.peakResident), count(b.peakResident)],
    ['final resident pages', count(a.finalResident), count(b.finalResident)],
    ['split failures', count(a.splitFailures), count(b.splitFailures)],
  ]);
  const orders = (s: DiffSide): string => Object.entries(s.foliosByOrder).map(([o, n]) => `${o}:${n}`).join(' ') || '(none)';
  const counters = (s: DiffSide): string => (s.counters === null ? '?' : countersText(s.counters) || '(none)');
  const lists = ([['folios by order (order:count)', orders], ['counters', counters], ['events by state', (s: DiffSide) => tally(s.eventsByState)]] as const)
    .flatMap(([name, f]) => [`${name}:`, `  a: ${f(a)}`, `  b: ${f(b)}`]);
  return [numbers, ...lists].join('\n');
}

/** The readable report of a diff. Pure. */
export function diffText(d: RunDiff): string {
  const { a, b } = d.summary;
  const lines = [sideText('a', a), sideText('b', b)];
  if (!a.sameScript) lines.push('note: the runs are of different scripts; compared operation by operation anyway');
  if (d.first === null) lines.push(`equal: all ${a.compared} operations agree`);
  else {
    for (const [k, diff] of (d.all ?? [d.first]).entries()) lines.push(...differenceText(diff, k === 0 ? 'first difference' : 'difference'));
    const unmatched = Math.abs(a.ops - b.ops);
    lines.push(`${a.differing} of ${a.compared} compared operations differ${unmatched > 0 ? `; ${unmatched} more in one run only` : ''}`);
  }
  lines.push(summaryText(a, b));
  return lines.join('\n');
}

/**
 * `foliolog diff RUN_A RUN_B [--all] [--html FILE]`: the first operation where two runs part
 * — each run `ID` of `--db`, or `STORE#ID` of another store (a file or a `postgres://` URL) —
 * (with `--all`, every one) and every field of it that differs (product.md §2's rules), then a
 * side-by-side summary. JSON: `{equal, first, summary}` on one line, `all` too with `--all`.
 * `--html` also writes the page of both runs' maps (see `foliolog report`), the first divergence marked.
 * @returns 0 when the runs agree, 1 when they part
 * @throws CliError (exit 2) for a malformed id; StoreError `E_NO_RUN`/`E_INCOMPLETE` (exit 2)
 */
export async function diffCommand(a: string, b: string, opts: DiffOptions, env: CliEnv): Promise<number> {
  const [ra, rb] = [parseRunRef(a), parseRunRef(b)];
  const [da, db] = [ra.store ?? opts.db, rb.store ?? opts.db];
  const store = await openStore(da, 'existing');
  try {
    const storeB = db === da ? store : await openStore(db, 'existing');
    try {
      const d = await diffRuns(store, ra.id, rb.id, { all: opts.all, storeB });
      if (opts.html !== undefined) {
        const first = d.first === null ? null : { i: d.first.i, line: d.first.line, op: d.first.op, fields: Object.keys(d.first.fields) };
        const [ta, tb] = [await readTimeline(store, ra.id), await readTimeline(storeB, rb.id)];
        writeWhole(opts.html, reportHtml(reportData(ta), chartLibraries(), { b: reportData(tb), first }));
      }
      env.stdout.write(`${opts.json ? jsonText(d) : diffText(d)}\n`);
      return d.equal ? 0 : 1;
    } finally {
      if (storeB !== store) await storeB.close();
    }
  } finally {
    await store.close();
  }
}
