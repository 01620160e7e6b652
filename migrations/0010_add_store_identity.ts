import type { Kysely } from 'kysely';
import { strict } from './_dialect.js';

/*
 * Stores that exchange runs (issue 13: `foliolog push`, SQLite and PostgreSQL alike). Frozen
 * once merged.
 *
 * - `store_meta`: key/value facts about the store itself. `id` is the store's identity, a random
 *   UUID drawn when this migration runs (when the store is created, or upgraded to it), never
 *   changed afterwards; a copied file keeps it, like any other row.
 * - `runs.origin`: where a pushed run came from, `STORE_ID/RUN_ID` of the run as first recorded
 *   (a run pushed on from a copy keeps its first origin); null for a run recorded here. A run's
 *   identity across stores is `coalesce(origin, STORE_ID || '/' || id)`: the unique index keeps a
 *   store from holding the same run twice, whoever pushes it.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('store_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .$call(strict(db))
    .execute();
  await db.insertInto('store_meta').values({ key: 'id', value: globalThis.crypto.randomUUID() }).execute();
  await db.schema.alterTable('runs').addColumn('origin', 'text').execute();
  await db.schema.createIndex('runs_by_origin').on('runs').column('origin').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('runs_by_origin').execute();
  await db.schema.alterTable('runs').dropColumn('origin').execute();
  await db.schema.dropTable('store_meta').execute();
}
