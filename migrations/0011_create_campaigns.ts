import type { Kysely } from 'kysely';
import { autoIncrementKey, int64, strict, withoutRowidStrict } from './_dialect.js';

/*
 * Fuzz campaigns over many workers (issue 13, item 4): `fuzz --campaign NAME` enqueues a seed
 * range in chunks, `worker` runs them, `campaign NAME` reads these tables. The queue itself
 * (which chunk is waiting, taken, retried) is the queue's own business, in its own schema; what
 * a chunk found is ours. Frozen once merged.
 *
 * - `campaigns`: one row per campaign, `name` unique: the seeds (`first_seed..last_seed`, both
 *   included), what each seed runs (`ops`, `tasks`, `bugs` as a JSON array of names, `policy`
 *   as `--policy` spells it), `chunk_seeds` per chunk and `chunks` in all, the queue's
 *   `expire_seconds` (a taken chunk not finished by then is given to another worker), and when
 *   it was enqueued (`created_at`, wall clock, ISO 8601).
 * - `campaign_chunks`: what one chunk gave, written once: the key (campaign_id, chunk) makes a
 *   retried chunk's second result a no-op (`on conflict do nothing`), so every seed is counted
 *   exactly once however often its chunk ran. `passed` + `failed` = `last_seed - first_seed + 1`;
 *   `ops` the commands run to their end, `ms` the worker's wall time on the chunk, `worker` who
 *   ran it (`HOST:PID`).
 * - `campaign_failures`: every failing seed, written in the transaction of its chunk's row: the
 *   check and the command kind that failed, the message; for the first failure of each kind in
 *   a chunk the shrunk reproducer (`script`, `schedule` one task name per line or null), the run
 *   that recorded it in this store (`repro_run`: no foreign key, a run may be deleted) and the
 *   `foliolog run` command that replays it (`command`); for the others, the `foliolog fuzz`
 *   command that finds and shrinks that seed alone.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('campaigns')
    .addColumn('id', 'integer', autoIncrementKey(db))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('first_seed', int64(db), (c) => c.notNull())
    .addColumn('last_seed', int64(db), (c) => c.notNull())
    .addColumn('ops', 'integer', (c) => c.notNull())
    .addColumn('tasks', 'integer', (c) => c.notNull())
    .addColumn('bugs', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('chunk_seeds', 'integer', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('expire_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .$call(strict(db))
    .execute();
  await db.schema.createTable('campaign_chunks')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('first_seed', int64(db), (c) => c.notNull())
    .addColumn('last_seed', int64(db), (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('ops', int64(db), (c) => c.notNull())
    .addColumn('ms', int64(db), (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_chunks_pk', ['campaign_id', 'chunk'])
    .$call(withoutRowidStrict(db))
    .execute();
  await db.schema.createTable('campaign_failures')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('seed', int64(db), (c) => c.notNull())
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('check_name', 'text', (c) => c.notNull())
    .addColumn('op', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('script', 'text')
    .addColumn('schedule', 'text')
    .addColumn('repro_run', 'integer')
    .addColumn('command', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_failures_pk', ['campaign_id', 'seed'])
    .$call(withoutRowidStrict(db))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaign_failures').execute();
  await db.schema.dropTable('campaign_chunks').execute();
  await db.schema.dropTable('campaigns').execute();
}
