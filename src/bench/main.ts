import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_SIZE } from '../model/index.js';
import { stepBar } from '../report/index.js';
import { BENCH_MIX } from '../sim/index.js';
import { BATCH_EVENTS, CHECKPOINT_INTERVAL, openStore } from '../store/index.js';
import { runChild } from './child.js';
import { childTask, inChild } from './spawn.js';
import { type KernelBench, kernelBench } from './kernel.js';
import { atMs, diffMs, median, rawInsertMs, readEvents, recordMix, storeBytes } from './measure.js';
import { type BenchReport, formatReport } from './report.js';
import { postgresBench } from './postgres.js';

/** Sizes of the benchmark; `--events N` scales it down for a quick look (not a result). */
interface Plan {
  readonly events: number;
  readonly bigEvents: number;
  readonly rounds: number;
  readonly heapFolios: number;
}

const FULL: Plan = { events: 1_000_000, bigEvents: 10_000_000, rounds: 3, heapFolios: 1_000_000 };

async function bench(plan: Plan, kernelToo: boolean, postgres: string | undefined, log: (s: string) => void): Promise<BenchReport> {
  const self = process.argv[1]!;
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-bench-'));
  try {
    const db = (name: string): string => join(dir, `${name}.db`);
    // 1. Simulate and record the mix, then insert its event rows raw: record_ratio.
    const records = [];
    for (let r = 0; r < plan.rounds; r++) {
      log(`record ${plan.events.toLocaleString('en')} events (${r + 1}/${plan.rounds})`);
      records.push(inChild(self, { kind: 'record', db: db(`one-${r}`), mix: BENCH_MIX, events: plan.events }));
    }
    const one = records[0]!;
    const events = readEvents(db('one-0'), one.runId!);
    const raws = [];
    for (let r = 0; r < plan.rounds; r++) {
      log(`raw inserts of the same rows (${r + 1}/${plan.rounds})`);
      raws.push(await rawInsertMs(db(`raw-${r}`), events, BATCH_EVENTS));
    }
    const recordMs = median(records.map((x) => x.ms!));
    const rawMs = median(raws);
    // 1b. The same into PostgreSQL, against raw pg inserts of the same rows (--postgres URL).
    const pg = postgres === undefined ? null : await postgresBench(postgres, events, plan.events, plan.rounds, log);
    // 2. The whole file per event, after a WAL checkpoint.
    const bytes = storeBytes(db('one-0'));
    // 3. A second run that parts from the first 50 commands before its end: diff_ms.
    log('diff of two runs that part near the end');
    const other = await recordMix(db('one-0'), BENCH_MIX, plan.events, { at: one.ops! - 50, line: `pwrite 0 ${PAGE_SIZE}` });
    const diffs: number[] = [];
    const sd = await openStore(db('one-0'), 'readonly');
    try {
      for (let r = 0; r < 5; r++) diffs.push(await diffMs(sd, one.runId!, other.runId));
    } finally {
      await sd.close();
    }
    // 4. A run ten times longer, in its own process: rss_growth, and at_ratio on it.
    log(`record ${plan.bigEvents.toLocaleString('en')} events`);
    const big = inChild(self, { kind: 'record', db: db('big'), mix: BENCH_MIX, events: plan.bigEvents });
    const s = await openStore(db('big'), 'readonly');
    const atEarly: number[] = [];
    const atLate: number[] = [];
    try {
      log('at early and late');
      for (let r = 0; r < 5; r++) {
        atEarly.push(await atMs(s, big.runId!, 1_000));
        atLate.push(await atMs(s, big.runId!, plan.bigEvents));
      }
    } finally {
      await s.close();
    }
    // 5. Model heap per live folio.
    log(`model heap with ${plan.heapFolios.toLocaleString('en')} live folios`);
    const heap = inChild(self, { kind: 'heap', folios: plan.heapFolios });
    // 6. The real kernel, where there is one.
    log('kernel recording');
    const kernel: KernelBench = kernelToo ? await kernelBench(dir, self)
      : { opsPerS: null, rssMb: null, reason: 'skipped (--no-kernel)', ops: null };
    return {
      k: CHECKPOINT_INTERVAL,
      events: one.events!,
      ops: one.ops!,
      bigEvents: big.events!,
      recordMs,
      rawMs,
      recordRatio: rawMs / recordMs,
      eventsPerS: one.events! / (recordMs / 1000),
      rawPerS: one.events! / (rawMs / 1000),
      atEarlyMs: median(atEarly),
      atLateMs: median(atLate),
      atRatio: median(atLate) / median(atEarly),
      diffMs: median(diffs),
      bytesPerEvent: bytes / one.events!,
      storeBytes: bytes,
      bytesPerFolio: heap.bytesPerFolio!,
      rssOne: one.maxRss,
      rssBig: big.maxRss,
      rssGrowth: big.maxRss / one.maxRss,
      kernel,
      postgres: pg,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parsePlan(argv: readonly string[]): Plan {
  const args = argv.slice(2);
  for (let a = 0; a < args.length; a++) {
    if (args[a] === '--events' || args[a] === '--postgres') a++;
    else if (args[a] !== '--json' && args[a] !== '--no-kernel') throw new UsageError(`unknown argument ${args[a]} (want --json, --no-kernel, --events N, --postgres URL)`);
  }
  const k = argv.indexOf('--events');
  if (k < 0) return FULL;
  const events = Number(argv[k + 1]);
  if (!Number.isSafeInteger(events) || events < 10_000) throw new UsageError(`--events: want an integer ≥ 10000, got ${argv[k + 1]}`);
  return { events, bigEvents: events * 10, rounds: 1, heapFolios: Math.min(events, FULL.heapFolios) };
}

async function mainBench(): Promise<void> {
  const task = childTask(process.argv);
  if (task !== undefined) return runChild(task);
  const json = process.argv.includes('--json');
  const plan = parsePlan(process.argv);
  // A bar on stderr when it is a terminal, never with --json.
  const bar = json || !process.stderr.isTTY ? undefined : stepBar(process.stderr, plan.rounds * 2 + 5, 'bench');
  let steps = 0;
  const log = (s: string): void => bar?.step(steps++, s);
  let report: BenchReport;
  try {
    const at = process.argv.indexOf('--postgres');
    const postgres = at < 0 ? undefined : process.argv[at + 1];
    if (at >= 0 && postgres === undefined) throw new UsageError('--postgres: want a postgres:// URL of a database to record into');
    report = await bench(plan, !process.argv.includes('--no-kernel'), postgres, log);
  } finally {
    bar?.step(steps, 'done');
    bar?.stop();
  }
  process.stdout.write(formatReport(report, plan === FULL));
  if (json) process.stdout.write(`${JSON.stringify(jsonFields(report))}\n`);
}

/** The fields of the JSON line (the names), each rounded for reading. */
function jsonFields(r: BenchReport): Record<string, number | string | null> {
  const round = (x: number, d = 3): number => Number(x.toFixed(d));
  return {
    k: r.k,
    record_ratio: round(r.recordRatio),
    at_ratio: round(r.atRatio),
    diff_ms: round(r.diffMs, 1),
    bytes_per_event: round(r.bytesPerEvent, 2),
    bytes_per_folio: round(r.bytesPerFolio, 1),
    rss_growth: round(r.rssGrowth),
    kernel_ops_per_s: r.kernel.opsPerS === null ? null : round(r.kernel.opsPerS, 0),
    kernel_rss_mb: r.kernel.rssMb === null ? null : round(r.kernel.rssMb, 1),
    kernel_reason: r.kernel.reason,
    events: r.events,
    events_per_s: round(r.eventsPerS, 0),
    raw_inserts_per_s: round(r.rawPerS, 0),
    pg_record_ratio: r.postgres === null ? null : round(r.postgres.valuesMs / r.postgres.recordMs),
    pg_copy_ratio: r.postgres === null ? null : round(r.postgres.copyMs / r.postgres.recordMs),
    pg_events_per_s: r.postgres === null ? null : round(r.postgres.events / (r.postgres.recordMs / 1000), 0),
  };
}

/** A mistake in the bench's own arguments: exit 2, as the CLI's usage errors. */
class UsageError extends Error {}

mainBench().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
