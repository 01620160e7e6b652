import type { Kysely } from 'kysely';
import { int64 } from './_dialect.js';

/*
 * What post-mortem reads need (time travel, folio histories, a diff that costs what its answer
 * needs). Frozen once merged. Imports only kysely: the codes are literal copies of
 * src/model/events.ts EVENT_CODES.
 *
 * - Two event types: a folio's pin count changed (`arg` = the pins it holds now).
 * - `operations.layout`: a 53-bit digest of the §2 page cache after the operation, canonical
 *   under product.md §2's comparison rules (src/script `layoutDigest`), so two runs compare by
 *   their operation rows alone; `operations.resident`: pages held by every live folio of the
 *   run (all files) after the operation. Both null in runs recorded before this migration.
 * - `checkpoints.ops` / `checkpoints.counters`: operations finished before the checkpoint and the
 *   per-size counters summed over them (JSON, product.md §2 `stats` shape), so `at` adds only
 *   the operations after the nearest checkpoint.
 * - `runs.counters` / `runs.tallies`: the counters summed over the whole run, and the number of
 *   events per event type and per state entered, written when the run finishes (`diff`'s summary).
 * - One index on `folios (run_id, file, pgoff)`: a page's history finds the folios that covered
 *   it without scanning the event log. A folio row is ~1/10 of the events, and the event log
 *   still has no index beyond its primary key (product.md §4).
 */

const EVENT_TYPES: ReadonlyArray<readonly [number, string]> = [[10, 'folio_pinned'], [11, 'folio_unpinned']];

export async function up(db: Kysely<any>): Promise<void> {
  await db.insertInto('event_types').values(EVENT_TYPES.map(([code, name]) => ({ code, name }))).execute();
  await db.schema.alterTable('operations').addColumn('layout', int64(db)).execute();
  await db.schema.alterTable('operations').addColumn('resident', int64(db)).execute();
  await db.schema.alterTable('checkpoints').addColumn('ops', 'integer').execute();
  await db.schema.alterTable('checkpoints').addColumn('counters', 'text').execute();
  await db.schema.alterTable('runs').addColumn('counters', 'text').execute();
  await db.schema.alterTable('runs').addColumn('tallies', 'text').execute();
  await db.schema.createIndex('folios_by_page').on('folios').columns(['run_id', 'file', 'pgoff']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('folios_by_page').execute();
  for (const [table, column] of [['runs', 'tallies'], ['runs', 'counters'], ['checkpoints', 'counters'], ['checkpoints', 'ops'],
    ['operations', 'resident'], ['operations', 'layout']] as const) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.deleteFrom('event_types').where('code', 'in', EVENT_TYPES.map(([code]) => code)).execute();
}
