import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignQueue, type Chunk, RETRY_LIMIT } from '../../campaign/index.js';
import type { Campaign, CampaignTally, FailureRecord } from '../../store/campaign/index.js';
import { campaignTally, findCampaign } from '../../store/campaign/index.js';
import { openStore, storeIdentity } from '../../store/index.js';
import { seedOptions } from '../campaign-chunk.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { campaignName, campaignStore } from './fuzz-campaign.js';
import { replayCommand, reproStem } from './fuzz.js';

/** Options of `foliolog campaign`. */
export interface CampaignOptions {
  readonly db: string;
  readonly json: boolean;
  readonly out?: string;
}

/** A failure as `campaign` shows it: where its reproducer went (with `--out`) and the command. */
interface ShownFailure {
  readonly seed: number;
  readonly check: string;
  readonly op: string | null;
  readonly message: string;
  readonly run: number | null;
  readonly script: string | null;
  readonly schedule: string | null;
  readonly command: string;
}

/** Seeds of the chunks of `chunks` that have no recorded result yet. Pure. */
function seedsOf(chunks: readonly Chunk[], recorded: ReadonlySet<number>): number {
  return chunks.reduce((n, c) => (recorded.has(c.chunk) ? n : n + c.last - c.first + 1), 0);
}

/** A worker's share as `--json` prints it: seconds and operations per second rounded. Pure. */
function workerJson(w: CampaignTally['workers'][number]): Record<string, unknown> {
  const seconds = w.ms / 1000;
  return { worker: w.worker, chunks: w.chunks, seeds: w.seeds, ops: w.ops, seconds: Math.round(seconds * 10) / 10,
    ops_per_second: seconds > 0 ? Math.round(w.ops / seconds) : 0 };
}

/**
 * Write each failure's reproducer into `dir` (with `dir` given) and say how to replay it: the
 * `foliolog run` command with the files' paths in `dir`; a failure without reproducer keeps its
 * `foliolog fuzz` command.
 * @throws CliError (exit 2) when the files cannot be written
 */
function shownFailures(c: Campaign, failures: readonly FailureRecord[], dir: string | undefined): ShownFailure[] {
  const o = seedOptions(c);
  if (dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new CliError(`${dir}: cannot write the reproducers (${e instanceof Error && 'code' in e ? String(e.code) : 'error'})`, { cause: e });
    }
  }
  return failures.map((f) => {
    const shown = { seed: f.seed, check: f.check, op: f.op, message: f.message, run: f.run };
    if (f.script === null || dir === undefined) return { ...shown, script: null, schedule: null, command: f.command };
    const stem = reproStem(f.seed, o.bugs);
    const script = join(dir, `${stem}.fl`);
    const schedule = f.schedule === null ? undefined : join(dir, `${stem}.schedule`);
    writeFileSync(script, f.script);
    if (schedule !== undefined) writeFileSync(schedule, f.schedule!);
    return { ...shown, script, schedule: schedule ?? null, command: replayCommand(script, schedule, o.bugs, o.policy) };
  });
}

/**
 * `foliolog campaign NAME --db postgres://... [--json] [--out DIR]`: where campaign NAME
 * stands: its seeds, those that passed (`done`), failed, and are in chunks workers hold now
 * (`in_flight`; the rest wait in the queue), each worker's chunks, seeds, commands and
 * commands per second of its own time, and every failure by seed with the command that replays
 * it. `--out DIR` writes each shrunk reproducer there (`repro-<bug>-<seed>.fl`, and `.schedule`
 * when it needs an interleaving), so a fresh clone with the store's URL replays it: the command
 * then names those files. JSON: `{campaign, seeds, done, failed, in_flight, workers, failures}`,
 * `workers` as `{worker, chunks, seeds, ops, seconds, ops_per_second}`, `failures` as `{seed,
 * check, op, message, run, script, schedule, command}`.
 * @returns 0
 * @throws CliError (exit 2): a SQLite store, an unknown campaign, an unwritable DIR
 *
 * ### Example
 * ```sh
 * foliolog campaign punch --db postgres://me@/foliolog?host=/run/postgresql --out repros
 * ```
 */
export async function campaignCommand(nameArg: string, o: CampaignOptions, env: CliEnv): Promise<number> {
  const name = campaignName(nameArg);
  const db = campaignStore('campaign', o.db);
  const store = await openStore(db, 'existing');
  try {
    const c = await findCampaign(store.db, name);
    if (c === undefined) throw new CliError(`no campaign ${name} in ${store.path}`);
    const tally = await campaignTally(store.db, c.id);
    const queue = await CampaignQueue.open(db, { supervise: false });
    const state = await queue.state(CampaignQueue.queueName(await storeIdentity(store.db), name)).finally(() => queue.close());
    const seeds = c.seeds[1] - c.seeds[0] + 1;
    const inFlight = seedsOf(state.active, tally.recorded);
    const queued = seedsOf(state.queued, tally.recorded);
    const failures = shownFailures(c, tally.failures, o.out);
    if (o.json) {
      env.stdout.write(`${jsonText({
        campaign: name, seeds, done: tally.done, failed: tally.failed, in_flight: inFlight, workers: tally.workers.map(workerJson), failures,
      })}\n`);
      return 0;
    }
    env.stdout.write(campaignText(c, tally, { seeds, inFlight, queued }, failures, o.out));
    return 0;
  } finally {
    await store.close();
  }
}

/** The readable report of `campaign`. Pure. */
function campaignText(c: Campaign, t: CampaignTally, n: { seeds: number; inFlight: number; queued: number },
  failures: readonly ShownFailure[], out: string | undefined): string {
  const lost = n.seeds - t.done - t.failed - n.inFlight - n.queued;
  const lines = [
    `campaign ${c.name}: seeds ${c.seeds[0]}..${c.seeds[1]}, ${c.ops} ops, ${c.tasks} tasks, bugs ${c.bugs.join(',') || 'none'}, `
      + `policy ${c.policy}, ${c.chunks} chunks of ${c.chunkSeeds}`,
    `seeds ${n.seeds}: done ${t.done}, failed ${t.failed}, in flight ${n.inFlight}, queued ${n.queued}`
      + `${lost > 0 ? `, given up ${lost} (chunks the queue gave up on after ${RETRY_LIMIT} tries)` : ''}`,
  ];
  if (t.workers.length > 0) {
    const rows = t.workers.map(workerJson).map((w) => [w.worker, w.chunks, w.seeds, w.ops, w.seconds, w.ops_per_second].map(String));
    const table = [['worker', 'chunks', 'seeds', 'ops', 'seconds', 'ops/s'], ...rows];
    const widths = table[0]!.map((_, k) => Math.max(...table.map((r) => r[k]!.length)));
    lines.push('', ...table.map((r) => r.map((v, k) => v.padEnd(widths[k]!)).join('  ').trimEnd()));
  }
  if (failures.length > 0) lines.push('', 'failures:');
  for (const f of failures) {
    lines.push(`  seed ${f.seed}: ${f.check}${f.op === null ? '' : ` on ${f.op}`}${f.run === null ? '' : ` (run ${f.run})`}`, `    ${f.command}`);
  }
  if (out === undefined && failures.some((f) => f.command.startsWith('foliolog run'))) {
    lines.push('', `(the reproducers' files: foliolog campaign ${c.name} --out DIR)`);
  }
  return `${lines.join('\n')}\n`;
}
