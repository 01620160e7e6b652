import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CampaignQueue, DEFAULT_EXPIRE_SECONDS, type TakenChunk } from '../../campaign/index.js';
import type { Campaign } from '../../store/campaign/index.js';
import { chunkRecorded, findCampaign, listCampaigns, recordChunk } from '../../store/campaign/index.js';
import { type Store, openStore, storeIdentity } from '../../store/index.js';
import { failureRows, seedOptions, sweepChunk } from '../campaign-chunk.js';
import { CliError } from '../errors.js';
import { interruptedStatus } from '../interrupt.js';
import type { CliEnv } from '../io.js';
import { campaignName, campaignStore } from './fuzz-campaign.js';

/** Options of `foliolog worker`. */
export interface WorkerOptions {
  readonly db: string;
  readonly json: boolean;
  readonly campaign?: string;
  readonly untilDone: boolean;
}

/** How long an idle worker waits before it asks the queue again, in ms. */
const IDLE_MS = 1000;

/** What one worker process is doing: its store, queue and name. */
interface Shift {
  readonly db: string;
  readonly store: Store;
  readonly queue: CampaignQueue;
  readonly storeId: string;
  /** `HOST:PID`. */
  readonly worker: string;
  readonly env: CliEnv;
  readonly stop: AbortSignal;
}

/**
 * `foliolog worker --db postgres://... [--campaign NAME] [--until-done]`: take chunks of the
 * store's campaigns (or of NAME's only) from the queue, run every seed of each, and record what
 * it gave (`recordChunk`: once per chunk, however often the chunk ran) with each failure's
 * shrunk reproducer, recorded as a failed run of the store; then tell the queue. Any number of
 * workers, on any machine that reaches the database. Runs until SIGTERM or SIGINT: the chunk in
 * hand is given back to the queue at once (its seeds so far are dropped; another worker runs
 * it whole) unless its seeds have all run, then it is recorded first. A worker killed outright
 * loses its chunk only until the chunk's lease expires (`fuzz --expire`, 30 s): then another
 * worker takes it. `--until-done`: stop, with 0, once the campaigns' queues hold no chunk,
 * waiting or taken. One line per chunk on stderr.
 * @returns 0 (`--until-done`), 130/143 when stopped by a signal
 * @throws CliError (exit 2): a SQLite store, an unknown campaign; StoreError `E_NO_STORE` (exit 2)
 *
 * ### Example
 * ```sh
 * foliolog worker --db postgres://me@db.example/foliolog --campaign punch &
 * ```
 */
export async function workerCommand(o: WorkerOptions, env: CliEnv, stop: AbortSignal): Promise<number> {
  const name = o.campaign === undefined ? undefined : campaignName(o.campaign);
  const db = campaignStore('worker', o.db);
  const store = await openStore(db, 'existing');
  try {
    const only = name === undefined ? undefined : await findCampaign(store.db, name);
    if (name !== undefined && only === undefined) throw new CliError(`no campaign ${name} in ${store.path}`);
    // Leases are per campaign; the maintenance that ends them runs as often as the shortest needs.
    const leases = (only === undefined ? await listCampaigns(store.db) : [only]).map((c) => c.expireSeconds);
    const queue = await CampaignQueue.open(db, { supervise: true, expireSeconds: Math.min(DEFAULT_EXPIRE_SECONDS, ...leases) });
    const shift: Shift = { db, store, queue, storeId: await storeIdentity(store.db), worker: `${hostname()}:${process.pid}`, env, stop };
    env.stderr.write(`worker ${shift.worker}: ${name === undefined ? 'every campaign' : `campaign ${name}`} of ${store.path}\n`);
    try {
      while (!stop.aborted) {
        const campaigns = only === undefined ? await listCampaigns(store.db) : [only];
        if (await takeOne(shift, campaigns)) continue;
        if (o.untilDone && await allDone(shift, campaigns)) break;
        await sleep(IDLE_MS, undefined, { signal: stop }).catch(() => undefined);
      }
    } finally {
      await queue.close();
    }
    if (stop.aborted) {
      env.stderr.write(`worker ${shift.worker}: stopped\n`);
      return interruptedStatus(stop);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** Take and run one chunk of the first of `campaigns` that has one waiting. @returns whether there was one */
async function takeOne(s: Shift, campaigns: readonly Campaign[]): Promise<boolean> {
  for (const c of campaigns) {
    const job = await s.queue.take(CampaignQueue.queueName(s.storeId, c.name));
    if (job === undefined) continue;
    await runChunk(s, c, job);
    return true;
  }
  return false;
}

/** Whether no campaign of `campaigns` has a chunk waiting or taken. */
async function allDone(s: Shift, campaigns: readonly Campaign[]): Promise<boolean> {
  for (const c of campaigns) {
    const q = await s.queue.state(CampaignQueue.queueName(s.storeId, c.name));
    if (q.queued.length + q.active.length > 0) return false;
  }
  return true;
}

/** Run chunk `job` of campaign `c`, record it once, and tell the queue (or give it back when stopped). */
async function runChunk(s: Shift, c: Campaign, job: TakenChunk): Promise<void> {
  // Recorded by a worker that died before it told the queue: nothing to run again.
  if (await chunkRecorded(s.store.db, c.id, job.chunk)) {
    await s.queue.complete(job);
    return;
  }
  const started = performance.now();
  s.env.stderr.write(`${c.name} chunk ${job.chunk} (seeds ${job.first}..${job.last}): taken\n`);
  const o = seedOptions(c);
  const swept = await sweepChunk(job, o, s.stop);
  if (swept === 'stopped') {
    await s.queue.abandon(job, `worker ${s.worker} stopped`);
    s.env.stderr.write(`${c.name} chunk ${job.chunk} (seeds ${job.first}..${job.last}): given back\n`);
    return;
  }
  const quiet = { ...s.env, stderr: { write: () => undefined } };
  const failures = await failureRows(c, job, swept.found, o, s.db, quiet);
  const ms = Math.round(performance.now() - started);
  const first = await recordChunk(s.store.db, {
    campaignId: c.id, chunk: job.chunk, first: job.first, last: job.last, passed: swept.passed, failed: swept.found.length,
    ops: swept.ops, ms, worker: s.worker, finishedAt: s.env.now().toISOString(),
  }, failures);
  await s.queue.complete(job);
  s.env.stderr.write(`${c.name} chunk ${job.chunk} (seeds ${job.first}..${job.last}): ${swept.passed} passed, ${swept.found.length} failed, `
    + `${swept.ops} ops in ${ms} ms${first ? '' : ' (recorded already by another worker)'}\n`);
}
