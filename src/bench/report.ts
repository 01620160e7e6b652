import type { KernelBench } from './kernel.js';
import type { PostgresBench } from './postgres.js';

/** Everything one `npm run bench` measured. Times in ms, sizes in bytes. */
export interface BenchReport {
  /** The checkpoint interval K. */
  readonly k: number;
  readonly events: number;
  readonly ops: number;
  readonly bigEvents: number;
  readonly recordMs: number;
  readonly rawMs: number;
  readonly recordRatio: number;
  readonly eventsPerS: number;
  readonly rawPerS: number;
  readonly atEarlyMs: number;
  readonly atLateMs: number;
  readonly atRatio: number;
  readonly diffMs: number;
  readonly bytesPerEvent: number;
  readonly storeBytes: number;
  readonly bytesPerFolio: number;
  readonly rssOne: number;
  readonly rssBig: number;
  readonly rssGrowth: number;
  readonly kernel: KernelBench;
  /** With `--postgres URL`: the PostgreSQL recorder against raw pg inserts; else null. */
  readonly postgres: PostgresBench | null;
}

const n0 = (x: number): string => Math.round(x).toLocaleString('en');
const n2 = (x: number): string => x.toFixed(2);
const mb = (x: number): string => `${(x / 2 ** 20).toFixed(0)} MB`;

/**
 * The readable bench table: each measure, what it was measured against in the same run, its
 * goal and whether it met it. `full` is false for a scaled-down run (`--events`), whose numbers
 * are not results. Pure.
 */
export function formatReport(r: BenchReport, full: boolean): string {
  const k = r.kernel;
  const rows: Array<[string, string, string, string, boolean | null]> = [
    ['record_ratio', n2(r.recordRatio), `${n0(r.eventsPerS)} events/s recorded vs ${n0(r.rawPerS)} raw inserts/s`, '≥ 0.5', r.recordRatio >= 0.5],
    ['at_ratio', n2(r.atRatio), `at @${n0(r.bigEvents)}: ${n2(r.atLateMs)} ms vs at @1,000: ${n2(r.atEarlyMs)} ms`, '≤ 2', r.atRatio <= 2],
    ['diff_ms', r.diffMs.toFixed(1), `two ${n0(r.events)}-event runs parting 50 commands before the end`, '< 100', r.diffMs < 100],
    ['bytes_per_event', n2(r.bytesPerEvent), `${mb(r.storeBytes)} for ${n0(r.events)} events, K = ${n0(r.k)}`, '≤ 40', r.bytesPerEvent <= 40],
    ['bytes_per_folio', r.bytesPerFolio.toFixed(1), 'model heap per live order-0 folio', '≤ 200', r.bytesPerFolio <= 200],
    ['rss_growth', n2(r.rssGrowth), `peak RSS ${mb(r.rssBig)} (${n0(r.bigEvents)} events) vs ${mb(r.rssOne)} (${n0(r.events)})`, '≤ 1.2', r.rssGrowth <= 1.2],
    k.opsPerS === null
      ? ['kernel_ops_per_s', 'null', k.reason ?? '', '≥ 1000', null]
      : ['kernel_ops_per_s', n0(k.opsPerS), `foliolog kernel, ${n0(k.ops ?? 0)} commands, peak RSS ${k.rssMb!.toFixed(0)} MB`, '≥ 1000', k.opsPerS >= 1000],
  ];
  const p = r.postgres;
  if (p !== null) {
    const perS = (ms: number): string => n0(p.events / (ms / 1000));
    rows.push(['pg_record_ratio', n2(p.valuesMs / p.recordMs), `${perS(p.recordMs)} events/s recorded into PostgreSQL vs ${perS(p.valuesMs)} raw multi-row inserts/s`, '≥ 0.5', p.valuesMs / p.recordMs >= 0.5]);
    rows.push(['pg_copy_ratio', n2(p.copyMs / p.recordMs), `the same vs ${perS(p.copyMs)} raw COPY rows/s`, '-', null]);
  }
  const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => String(row[c]).length), ['measure', 'value', 'against', 'goal'][c]!.length));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join('  ').trimEnd();
  const out = [line(['measure', 'value', 'against', 'goal', 'met'])];
  for (const [name, value, against, goal, met] of rows) out.push(line([name, value, against, goal, met === null ? '-' : met ? 'yes' : 'NO']));
  if (!full) out.push('(scaled down with --events: not a result)');
  return `${out.join('\n')}\n`;
}
