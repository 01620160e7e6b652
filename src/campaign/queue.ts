import PgBoss from 'pg-boss';
import type { Chunk } from './plan.js';

/*
 * The job queue of fuzz campaigns: pg-boss 10.4.2, in schema `foliolog_queue` of the store's
 * PostgreSQL database. Why pg-boss and not graphile-worker: both keep jobs in PostgreSQL and
 * take them with SKIP LOCKED, but a graphile-worker job taken by a worker that dies stays
 * locked for 4 hours (fixed), while pg-boss gives every job an expiry (`expireInSeconds`): its
 * maintenance, run by any live worker, fails an active job past it, and the failure is retried
 * at once (`retryDelay` 0). pg-boss 11 and 12 need Node 22; 10.4.2 is the newest for Node 20.
 *
 * Retry timing: a job taken at t by a worker killed with SIGKILL is expired by the first
 * maintenance after t + expire (maintenance every `maintenanceSeconds(expire)`, 10 s for the
 * default lease), then fetched by the next poll of any live worker (1 s): within
 * expire + maintenance + poll, 30 + 10 + 1 = 41 s by default.
 * pg-boss 10 has no heartbeat, so a chunk must end well inside its expiry (a chunk is a few
 * seconds of work); if one does not, it is run twice and its result counted once
 * (campaign_chunks' key).
 */

/** The queue's schema in the store's database. */
export const QUEUE_SCHEMA = 'foliolog_queue';

/** How often a worker's pg-boss looks for expired jobs (one worker does, per interval). */
export const MAINTENANCE_SECONDS = 10;

/** The default lease of a taken chunk, in seconds. */
export const DEFAULT_EXPIRE_SECONDS = 30;

/** Tries per chunk: kills, expiries and SIGTERMs each use one. */
export const RETRY_LIMIT = 100;

/**
 * How often a worker's pg-boss looks for expired chunks when the shortest lease it serves is
 * `expireSeconds`: a third of it, at most MAINTENANCE_SECONDS, at least 1, so a short lease
 * (`fuzz --expire 3`) is noticed soon after it runs out. Pure.
 */
export function maintenanceSeconds(expireSeconds: number): number {
  return Math.max(1, Math.min(MAINTENANCE_SECONDS, Math.floor(expireSeconds / 3)));
}

/** A chunk a worker holds, with the queue's job id. */
export interface TakenChunk extends Chunk {
  readonly id: string;
  readonly queue: string;
}

/** The chunks the queue still holds for a campaign: waiting, and taken. */
export interface QueueState {
  readonly queued: readonly Chunk[];
  readonly active: readonly Chunk[];
}

/** A raw executor bound to a transaction (`SqlExecutor` of the store's campaign module). */
export interface QueueDb {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A campaign's chunks in pg-boss, one queue per campaign and store: `foliolog/STORE_ID/NAME`.
 *
 * ### Example
 * ```ts
 * const q = await CampaignQueue.open(url, { supervise: true })
 * const job = await q.take(storeId, 'punch') // { chunk: 3, first: 601, last: 800, id: '…' }
 * await q.complete(job!)
 * await q.close()
 * ```
 */
export class CampaignQueue {
  readonly #boss: PgBoss;

  private constructor(boss: PgBoss) {
    this.#boss = boss;
  }

  /**
   * Connect and install or upgrade the queue's schema. `supervise`: this process also runs the
   * maintenance that expires jobs of dead workers (workers do; `fuzz --campaign` and `campaign`
   * do not), as often as `maintenanceSeconds(expireSeconds)` says.
   */
  static async open(url: string, o: { readonly supervise: boolean; readonly expireSeconds?: number }): Promise<CampaignQueue> {
    const boss = new PgBoss({
      connectionString: url, schema: QUEUE_SCHEMA, max: 2, supervise: o.supervise, schedule: false,
      maintenanceIntervalSeconds: maintenanceSeconds(o.expireSeconds ?? DEFAULT_EXPIRE_SECONDS), pollingIntervalSeconds: 1,
    });
    // Errors of the background maintenance (a dropped connection) must not kill the process.
    boss.on('error', () => undefined);
    await boss.start();
    return new CampaignQueue(boss);
  }

  /** The queue of campaign `name` of store `storeId`. Pure. */
  static queueName(storeId: string, name: string): string {
    return `foliolog/${storeId}/${name}`;
  }

  /** Create the campaign's queue (unless a failed earlier enqueue left it) with its lease and retries. */
  async prepare(queue: string, expireSeconds: number): Promise<void> {
    if (await this.#boss.getQueue(queue) !== null) return;
    await this.#boss.createQueue(queue, { name: queue, expireInSeconds: expireSeconds, retryLimit: RETRY_LIMIT, retryDelay: 0 });
  }

  /** Insert one job per chunk through `db` (the transaction that creates the campaign row). */
  async enqueue(queue: string, chunks: readonly Chunk[], expireSeconds: number, db: QueueDb): Promise<void> {
    // Higher priority is taken first: chunks go out in seed order (a job's id is a random UUID).
    const jobs = chunks.map((c) => ({
      name: queue, data: { ...c }, priority: chunks.length - c.chunk, expireInSeconds: expireSeconds, retryLimit: RETRY_LIMIT, retryDelay: 0,
    }));
    await this.#boss.insert(jobs, { db: db as PgBoss.Db });
  }

  /** Take the next waiting chunk of `queue`, if any. */
  async take(queue: string): Promise<TakenChunk | undefined> {
    const [job] = await this.#boss.fetch<Chunk>(queue, { batchSize: 1 });
    return job === undefined ? undefined : { ...job.data, id: job.id, queue };
  }

  /** The chunk is recorded: the queue forgets it. */
  async complete(t: TakenChunk): Promise<void> {
    await this.#boss.complete(t.queue, t.id);
  }

  /** Give the chunk back at once (SIGTERM): it waits for the next worker. */
  async abandon(t: TakenChunk, reason: string): Promise<void> {
    await this.#boss.fail(t.queue, t.id, { reason });
  }

  /** The chunks of `queue` still waiting (created, or failed and to be retried) and taken. */
  async state(queue: string): Promise<QueueState> {
    const { rows } = await this.#boss.getDb().executeSql(
      `select state, data from ${QUEUE_SCHEMA}.job where name = $1 and state in ('created', 'retry', 'active')`, [queue]);
    const typed = rows as Array<{ state: string; data: Chunk }>;
    return {
      queued: typed.filter((r) => r.state !== 'active').map((r) => r.data),
      active: typed.filter((r) => r.state === 'active').map((r) => r.data),
    };
  }

  /** Stop pg-boss and close its connections (a taken chunk is not touched: `abandon` it first). */
  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true, close: true });
  }
}
