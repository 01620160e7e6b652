import { type Kysely, sql } from 'kysely';
import { autoIncrementKey, blob, int64, strict, withoutRowidStrict } from './_dialect.js';

/*
 * The first store schema (product.md §4). Frozen once merged: change the schema with a new
 * migration. Imports only kysely (and ./_dialect.js, which says what differs on PostgreSQL), so the codes below are literal copies of
 * src/model/events.ts EVENT_CODES and of the folio lifecycle's state codes.
 *
 * Every table is STRICT (on SQLite), so a wrongly bound value (text into an integer column) fails at once.
 * The event log has no index beyond its primary key: the budget is 40 bytes per event for the
 * whole file, and one extra B-tree index alone costs ~18.
 */

const EVENT_TYPES: ReadonlyArray<readonly [number, string]> = [
  [1, 'folio_added'], [2, 'folio_marked_uptodate'], [3, 'folio_zeroed'], [4, 'folio_split'],
  [5, 'folio_split_failed'], [6, 'folio_reclaim_marked'], [7, 'folio_reclaim_cleared'],
  [8, 'folio_removed'], [9, 'folio_collapsed'],
  [20, 'file_created'], [21, 'file_switched'], [22, 'i_size_changed'],
];

const FOLIO_STATES: ReadonlyArray<readonly [number, string]> = [
  [1, 'allocated'], [2, 'partially-punched'], [3, 'split-failed'], [4, 'reclaim-candidate'],
  [5, 'collapsed'], [6, 'split'], [7, 'freed'], [8, 'collapsed-into'],
];

export async function up(db: Kysely<any>): Promise<void> {
  const int8 = int64(db);
  await db.schema.createTable('runs')
    .addColumn('id', 'integer', autoIncrementKey(db))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('model', 'kernel')`))
    .addColumn('script_name', 'text', (c) => c.notNull())
    .addColumn('script_text', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('seed', int8, (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('bugs', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text')
    .addColumn('foliolog_version', 'text', (c) => c.notNull())
    .addColumn('node_version', 'text', (c) => c.notNull())
    .addColumn('sqlite_version', 'text', (c) => c.notNull())
    .addColumn('kernel_release', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('incomplete', 'complete', 'failed')`))
    .addColumn('failure', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('ops', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('events', int8, (c) => c.notNull().defaultTo(0))
    .addColumn('event_hash', 'text')
    .addColumn('checkpoint_interval', 'integer', (c) => c.notNull())
    .$call(strict(db))
    .execute();

  await db.schema.createTable('files')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mount', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('tmpfs', 'memfd', 'anon', 'sysv')`))
    .addPrimaryKeyConstraint('files_pk', ['run_id', 'id'])
    .$call(withoutRowidStrict(db))
    .execute();

  await db.schema.createTable('operations')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('i', 'integer', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('task', 'text')
    .addColumn('ret', int8)
    .addColumn('errno', 'text')
    .addColumn('size', int8, (c) => c.notNull())
    .addColumn('blocks', int8, (c) => c.notNull())
    .addColumn('stats', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .addColumn('folios', 'text')
    .addColumn('blind', 'text')
    .addColumn('file', 'integer')
    .addColumn('last_seq', int8, (c) => c.notNull())
    .addPrimaryKeyConstraint('operations_pk', ['run_id', 'i'])
    .addCheckConstraint('operations_ret_xor_errno', sql`(ret is null) <> (errno is null)`)
    .addForeignKeyConstraint('operations_file_fk', ['run_id', 'file'], 'files', ['run_id', 'id'])
    .$call(withoutRowidStrict(db))
    .execute();

  await db.schema.createTable('folios')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('id', int8, (c) => c.notNull())
    .addColumn('file', 'integer', (c) => c.notNull())
    .addColumn('pgoff', int8, (c) => c.notNull())
    .addColumn('order', 'integer', (c) => c.notNull())
    .addColumn('parent', int8)
    .addColumn('born_seq', int8, (c) => c.notNull())
    .addColumn('ended_seq', int8)
    .addColumn('ended_state', 'integer')
    .addColumn('inferred', 'integer', (c) => c.notNull().defaultTo(0).check(sql`inferred in (0, 1)`))
    .addPrimaryKeyConstraint('folios_pk', ['run_id', 'id'])
    .addForeignKeyConstraint('folios_file_fk', ['run_id', 'file'], 'files', ['run_id', 'id'])
    .$call(withoutRowidStrict(db))
    .execute();

  // The event log: integers only, keyed by (run_id, seq), no other index (see above).
  await db.schema.createTable('events')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', int8, (c) => c.notNull())
    .addColumn('i', 'integer', (c) => c.notNull())
    .addColumn('folio', int8)
    .addColumn('event', 'integer', (c) => c.notNull())
    .addColumn('from_state', 'integer')
    .addColumn('to_state', 'integer')
    .addColumn('arg', int8)
    .addPrimaryKeyConstraint('events_pk', ['run_id', 'seq'])
    .$call(withoutRowidStrict(db))
    .execute();

  await db.schema.createTable('checkpoints')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', int8, (c) => c.notNull())
    .addColumn('data', blob(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoints_pk', ['run_id', 'seq'])
    .$call(strict(db))
    .execute();

  await createLookup(db, 'event_types', EVENT_TYPES);
  await createLookup(db, 'folio_states', FOLIO_STATES);
}

async function createLookup(db: Kysely<any>, table: string, rows: ReadonlyArray<readonly [number, string]>): Promise<void> {
  await db.schema.createTable(table)
    .addColumn('code', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .$call(strict(db))
    .execute();
  await db.insertInto(table).values(rows.map(([code, name]) => ({ code, name }))).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['folio_states', 'event_types', 'checkpoints', 'events', 'folios', 'operations', 'files', 'runs']) {
    await db.schema.dropTable(table).execute();
  }
}
