import { basename } from 'node:path';
import { formatPolicy } from '../../model/index.js';
import { type MemorySeries, columns, compareChartSvg } from '../../report/index.js';
import type { StatsDelta } from '../../script/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import { interruptedStatus } from '../interrupt.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { writeWhole } from '../written-files.js';
import { policyOption, recordRun } from './run.js';

/** Options of `foliolog compare`. */
export interface CompareOptions {
  readonly db: string;
  readonly json: boolean;
  readonly policies: string;
  /** `--svg FILE`: also draw resident and no-data pages over the run for each policy. */
  readonly svg?: string;
}

/**
 * One run of `compare`: its policy, run id, status, memory (pages), splits (the kernel's
 * counters summed over every size: `split` done, `split_failed` refused; attempts are both),
 * the policy's work, and SEEK's holes reported as data (bytes).
 */
export interface CompareRow {
  readonly policy: string;
  readonly run: number;
  readonly status: string;
  readonly peak_resident: number;
  readonly final_resident: number;
  readonly peak_no_data: number | null;
  readonly final_no_data: number | null;
  readonly no_data_integral: number | null;
  readonly split: number;
  readonly split_failed: number;
  /** flag-reclaim: splits retried on reclaim candidates (counted in `split`/`split_failed` too). */
  readonly split_retries: number;
  /** zeropage-scan: pages scanned, bytes compared with zero, freed pages that held written zeros. */
  readonly pages_scanned: number;
  readonly bytes_compared: number;
  readonly zeros_holed: number;
  /** Bytes SEEK_DATA/SEEK_HOLE reported as data that hold no written byte, over the run. */
  readonly seek_no_data: number;
  /** per-block: bytes of per-block state, at most and at the end. */
  readonly peak_metadata_bytes: number;
  readonly final_metadata_bytes: number;
}

/** A counter summed over every size of `stats`. Pure. */
function total(stats: StatsDelta | null, name: string): number {
  let n = 0;
  for (const perSize of Object.values(stats ?? {})) n += Number((perSize as Record<string, number | bigint>)[name] ?? 0);
  return n;
}

/**
 * `foliolog compare SCRIPT --policies A,B,...`: run SCRIPT under each policy (specs as
 * `--policy` takes them, commas between runs), record each run, and print two tables side by
 * side: memory (peak and final resident pages, peak and final pages holding no data, the
 * no-data integral: page × operations) and work (splits and failed splits over the run, splits
 * retried, pages scanned, bytes compared, written zeros freed, SEEK's bytes of data holding
 * none, peak per-block state). JSON: one object `{runs: [CompareRow...]}`.
 * @returns 0; 1 when a run failed its oracle check (the table still prints, the run marked);
 *   130/143 when stopped
 * @throws CliError (exit 2): a bad spec (before anything runs), a script error
 */
export async function compareCommand(script: string, o: CompareOptions, env: CliEnv, stop: AbortSignal): Promise<number> {
  const specs = o.policies.split(',').map((p) => formatPolicy(policyOption(p)));
  if (new Set(specs).size !== specs.length) throw new CliError(`--policies: a policy is named twice: ${o.policies}`);
  const ran: Array<{ policy: string; run: number; code: number }> = [];
  for (const policy of specs) {
    const r = await recordRun(script, {
      db: o.db, json: true, quiet: true, check: true, seed: '1', policy, sched: 'random', metrics: true,
    }, { ...env, progress: undefined }, stop);
    if (stop.aborted) return interruptedStatus(stop);
    ran.push({ policy, run: r.runId, code: r.code });
  }
  const store = await openStore(o.db, 'existing');
  const rows: CompareRow[] = [];
  const series: MemorySeries[] = [];
  try {
    for (const r of ran) {
      const run = await store.getRun(r.run);
      const m = await store.runMetrics(r.run);
      rows.push({
        policy: r.policy, run: r.run, status: run.status,
        peak_resident: m?.peakResident ?? 0, final_resident: m?.finalResident ?? 0,
        peak_no_data: m?.peakNoData ?? null, final_no_data: m?.finalNoData ?? null, no_data_integral: m?.noDataIntegral ?? null,
        split: total(run.counters, 'split'), split_failed: total(run.counters, 'split_failed'),
        split_retries: m?.splitRetries ?? 0, pages_scanned: m?.pagesScanned ?? 0, bytes_compared: m?.bytesCompared ?? 0,
        zeros_holed: m?.zerosHoled ?? 0, seek_no_data: m?.seekNoData ?? 0,
        peak_metadata_bytes: m?.peakMetadataBytes ?? 0, final_metadata_bytes: m?.finalMetadataBytes ?? 0,
      });
      if (o.svg !== undefined) series.push({ policy: r.policy, points: await store.memorySeries(r.run) });
    }
  } finally {
    await store.close();
  }
  if (o.svg !== undefined) writeWhole(o.svg, await compareChartSvg(basename(script), series));
  if (o.json) env.stdout.write(`${jsonText({ runs: rows })}\n`);
  else {
    const cell = (v: number | null) => (v === null ? '-' : String(v));
    const memory = ['policy', 'run', 'status', 'peak resident', 'final resident', 'peak no-data', 'final no-data', 'no-data × ops'];
    env.stdout.write(`${columns([memory, ...rows.map((r) => [r.policy, String(r.run), r.status, cell(r.peak_resident), cell(r.final_resident),
      cell(r.peak_no_data), cell(r.final_no_data), cell(r.no_data_integral)])])}\n`);
    env.stdout.write('pages of 4 KiB; no-data: resident pages holding no written byte\n\n');
    const work = ['policy', 'split', 'split failed', 'retried', 'pages scanned', 'bytes compared', 'zeros holed', 'seek no-data', 'metadata peak'];
    env.stdout.write(`${columns([work, ...rows.map((r) => [r.policy, String(r.split), String(r.split_failed), String(r.split_retries),
      String(r.pages_scanned), String(r.bytes_compared), String(r.zeros_holed), String(r.seek_no_data), String(r.peak_metadata_bytes)])])}\n`);
    env.stdout.write('retried: splits flag-reclaim retried (in split/split failed too); zeros holed: written zeros the scanner freed;\n'
      + 'seek no-data: bytes SEEK_DATA/SEEK_HOLE reported as data that hold no written byte; metadata: bytes of per-block state\n');
  }
  return ran.some((r) => r.code === 1) ? 1 : ran.some((r) => r.code !== 0) ? 2 : 0;
}
