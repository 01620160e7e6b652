import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import type { CampaignTables } from './tables.js';

/** A campaign as `fuzz --campaign` enqueued it. */
export interface Campaign {
  readonly id: number;
  readonly name: string;
  /** First and last seed, both included. */
  readonly seeds: readonly [number, number];
  readonly ops: number;
  readonly tasks: number;
  readonly bugs: readonly string[];
  /** As `--policy` spells it. */
  readonly policy: string;
  /** Seeds per chunk (the last chunk may hold fewer). */
  readonly chunkSeeds: number;
  readonly chunks: number;
  /** A taken chunk not finished after this long goes to another worker. */
  readonly expireSeconds: number;
  /** Wall clock, ISO 8601. */
  readonly createdAt: string;
}

/** A campaign to create: everything but its id. */
export type NewCampaign = Omit<Campaign, 'id'>;

/** What one chunk gave: its seeds, how many passed and failed, the work done and who did it. */
export interface ChunkResult {
  readonly campaignId: number;
  readonly chunk: number;
  readonly first: number;
  readonly last: number;
  readonly passed: number;
  readonly failed: number;
  /** Commands run to their end over the chunk's seeds. */
  readonly ops: number;
  /** Wall time on the chunk, in ms. */
  readonly ms: number;
  /** `HOST:PID`. */
  readonly worker: string;
  readonly finishedAt: string;
}

/** One failing seed: what failed, and how to see it again (its reproducer, when it has one). */
export interface FailureRecord {
  readonly seed: number;
  readonly chunk: number;
  readonly check: string;
  /** The command kind that failed (`fpunch`, ...), when the failure names one. */
  readonly op: string | null;
  readonly message: string;
  /** The shrunk reproducer's text, or null (a later failure of a kind its chunk already shrank). */
  readonly script: string | null;
  /** The reproducer's schedule, one task name per line, or null when it needs none. */
  readonly schedule: string | null;
  /** The run of the store that recorded the reproducer, or null. */
  readonly run: number | null;
  /** `foliolog run ...` for a reproducer, else `foliolog fuzz --seeds S..S ...`. */
  readonly command: string;
}

/** One worker's share of a campaign. */
export interface WorkerTally {
  readonly worker: string;
  readonly chunks: number;
  readonly seeds: number;
  readonly ops: number;
  readonly ms: number;
}

/** What a campaign's recorded chunks add up to. */
export interface CampaignTally {
  /** Seeds that passed. */
  readonly done: number;
  /** Seeds that failed. */
  readonly failed: number;
  /** The chunks recorded so far. */
  readonly recorded: ReadonlySet<number>;
  /** By worker name. */
  readonly workers: readonly WorkerTally[];
  /** By seed. */
  readonly failures: readonly FailureRecord[];
}

/** A raw SQL executor in the shape a queue library takes (`{ rows }` back), bound to one transaction. */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

function campaignsOf(db: Kysely<Database>): Kysely<Database & CampaignTables> {
  return db.withTables<CampaignTables>();
}

function toCampaign(r: { id: number; name: string; first_seed: number; last_seed: number; ops: number; tasks: number; bugs: string;
  policy: string; chunk_seeds: number; chunks: number; expire_seconds: number; created_at: string }): Campaign {
  return {
    id: r.id, name: r.name, seeds: [Number(r.first_seed), Number(r.last_seed)], ops: r.ops, tasks: r.tasks,
    bugs: JSON.parse(r.bugs) as string[], policy: r.policy, chunkSeeds: r.chunk_seeds, chunks: r.chunks,
    expireSeconds: r.expire_seconds, createdAt: r.created_at,
  };
}

/**
 * Create campaign `c` and, in the same transaction, run `alsoDo` with a raw executor bound to it
 * (the queue's jobs are inserted there, so a campaign exists with all its chunks or not at all).
 * @returns the campaign, or undefined when one named `c.name` exists already (nothing written)
 *
 * ### Example
 * ```ts
 * const made = await createCampaign(store.db, campaign, (exec) => queue.enqueue(campaign.name, chunks, exec))
 * ```
 */
export async function createCampaign(db: Kysely<Database>, c: NewCampaign,
  alsoDo: (exec: SqlExecutor) => Promise<void>): Promise<Campaign | undefined> {
  return campaignsOf(db).transaction().execute(async (trx) => {
    const row = await trx.insertInto('campaigns').values({
      name: c.name, first_seed: c.seeds[0], last_seed: c.seeds[1], ops: c.ops, tasks: c.tasks, bugs: JSON.stringify(c.bugs),
      policy: c.policy, chunk_seeds: c.chunkSeeds, chunks: c.chunks, expire_seconds: c.expireSeconds, created_at: c.createdAt,
    }).onConflict((oc) => oc.column('name').doNothing()).returning('id').executeTakeFirst();
    if (row === undefined) return undefined;
    await alsoDo({ executeSql: async (text, values) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows }) });
    return { ...c, id: row.id };
  });
}

/**
 * The campaign named `name`, if any.
 *
 * ### Example
 * ```ts
 * const c = await findCampaign(store.db, 'punch-2026-12') // { id: 1, seeds: [1, 10000], chunkSeeds: 200, ... }
 * ```
 */
export async function findCampaign(db: Kysely<Database>, name: string): Promise<Campaign | undefined> {
  const row = await campaignsOf(db).selectFrom('campaigns').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : toCampaign(row);
}

/**
 * Every campaign, oldest first.
 *
 * ### Example
 * ```ts
 * for (const c of await listCampaigns(store.db)) console.log(c.name)
 * ```
 */
export async function listCampaigns(db: Kysely<Database>): Promise<Campaign[]> {
  return (await campaignsOf(db).selectFrom('campaigns').selectAll().orderBy('id').execute()).map(toCampaign);
}

/**
 * Whether chunk `chunk` of campaign `campaignId` has its result already (a retried chunk
 * whose first worker committed and died before telling the queue).
 *
 * ### Example
 * ```ts
 * if (await chunkRecorded(store.db, c.id, 17)) await queue.complete(job)
 * ```
 */
export async function chunkRecorded(db: Kysely<Database>, campaignId: number, chunk: number): Promise<boolean> {
  const row = await campaignsOf(db).selectFrom('campaign_chunks').select('chunk')
    .where('campaign_id', '=', campaignId).where('chunk', '=', chunk).executeTakeFirst();
  return row !== undefined;
}

/**
 * Record chunk result `r` and its `failures` in one transaction, once: when the chunk has its
 * row already (another worker ran it too, after its lease expired), nothing is written.
 * @returns true when this call wrote the result
 *
 * ### Example
 * ```ts
 * const first = await recordChunk(store.db, { campaignId: 1, chunk: 3, first: 601, last: 800, passed: 199, failed: 1, ... }, [failure])
 * ```
 */
export async function recordChunk(db: Kysely<Database>, r: ChunkResult, failures: readonly FailureRecord[]): Promise<boolean> {
  return campaignsOf(db).transaction().execute(async (trx) => {
    const wrote = await trx.insertInto('campaign_chunks').values({
      campaign_id: r.campaignId, chunk: r.chunk, first_seed: r.first, last_seed: r.last, passed: r.passed, failed: r.failed,
      ops: r.ops, ms: r.ms, worker: r.worker, finished_at: r.finishedAt,
    }).onConflict((oc) => oc.columns(['campaign_id', 'chunk']).doNothing()).executeTakeFirst();
    if (Number(wrote.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
    if (failures.length > 0) {
      await trx.insertInto('campaign_failures').values(failures.map((f) => ({
        campaign_id: r.campaignId, seed: f.seed, chunk: f.chunk, check_name: f.check, op: f.op, message: f.message,
        script: f.script, schedule: f.schedule, repro_run: f.run, command: f.command,
      }))).onConflict((oc) => oc.columns(['campaign_id', 'seed']).doNothing()).execute();
    }
    return true;
  });
}

/**
 * What campaign `campaignId`'s recorded chunks add up to: seeds passed and failed, the chunks
 * recorded, each worker's chunks, seeds, commands and wall time, and every failure by seed.
 *
 * ### Example
 * ```ts
 * const t = await campaignTally(store.db, 1) // { done: 9951, failed: 49, workers: [{ worker: 'box:4242', ... }], ... }
 * ```
 */
export async function campaignTally(db: Kysely<Database>, campaignId: number): Promise<CampaignTally> {
  const k = campaignsOf(db);
  const chunks = await k.selectFrom('campaign_chunks').select(['chunk', 'passed', 'failed', 'worker', 'ops', 'ms', 'first_seed', 'last_seed'])
    .where('campaign_id', '=', campaignId).orderBy('chunk').execute();
  const byWorker = new Map<string, { chunks: number; seeds: number; ops: number; ms: number }>();
  let [done, failed] = [0, 0];
  for (const c of chunks) {
    done += c.passed;
    failed += c.failed;
    const w = byWorker.get(c.worker) ?? { chunks: 0, seeds: 0, ops: 0, ms: 0 };
    byWorker.set(c.worker, { chunks: w.chunks + 1, seeds: w.seeds + c.passed + c.failed, ops: w.ops + Number(c.ops), ms: w.ms + Number(c.ms) });
  }
  const failures = await k.selectFrom('campaign_failures').selectAll().where('campaign_id', '=', campaignId)
    .orderBy(sql`seed`).execute();
  return {
    done, failed, recorded: new Set(chunks.map((c) => c.chunk)),
    workers: [...byWorker].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([worker, w]) => ({ worker, ...w })),
    failures: failures.map((f) => ({
      seed: Number(f.seed), chunk: f.chunk, check: f.check_name, op: f.op, message: f.message, script: f.script,
      schedule: f.schedule, run: f.repro_run, command: f.command,
    })),
  };
}
