import type { Kysely } from 'kysely';
import { blob, withoutRowidStrict } from './_dialect.js';

/*
 * `diff` without reading every operation row, and a new layout digest. Frozen once merged.
 *
 * `operation_blocks`: per run, one row per block of 1,024 consecutive operations (the last block
 * may be shorter), holding a SHA-256 (first 16 bytes) over what `diff` compares of each row of
 * the block — line, op, ret/errno, size, blocks, data, the counters with their keys sorted, and
 * the layout digest. Two runs' blocks with equal hashes hold equal rows, so `diff` joins the rows
 * of differing blocks only: about 0.02 bytes per event.
 *
 * `runs.layout_version`: which layout digest `operations.layout` holds. Null (version 1) in
 * runs recorded before this migration; 2 from here on (an additive hash a model run keeps up to
 * date as folios come and go, src/script/compare.ts). Digests of different versions are not
 * compared: `diff` settles such operations by their page caches.
 *
 * `folio_states.final`: 1 for the states a folio ends in (6 split, 7 freed, 8 collapsed-into,
 * copies of machines/folio.machine.ts's final states), so that time travel knows an end from the
 * event's `to_state` without reading the folio's row.
 *
 * From this migration on, the run writer also writes `folios.events` as it goes (an empty blob
 * at birth, each batch's seqs appended), so it holds no folio's seqs in memory.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('operation_blocks')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('first_i', 'integer', (c) => c.notNull())
    .addColumn('ops', 'integer', (c) => c.notNull())
    .addColumn('hash', blob(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('operation_blocks_pk', ['run_id', 'first_i'])
    .$call(withoutRowidStrict(db))
    .execute();
  await db.schema.alterTable('runs').addColumn('layout_version', 'integer').execute();
  await db.schema.alterTable('folio_states').addColumn('final', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.updateTable('folio_states').set({ final: 1 }).where('code', 'in', [6, 7, 8]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('folio_states').dropColumn('final').execute();
  await db.schema.alterTable('runs').dropColumn('layout_version').execute();
  await db.schema.dropTable('operation_blocks').execute();
}
