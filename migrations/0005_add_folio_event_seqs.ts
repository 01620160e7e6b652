import type { Kysely } from 'kysely';
import { blob } from './_dialect.js';

/*
 * A folio's history without scanning the event log. Frozen once merged.
 *
 * `folios.events`: the seqs of the folio's events after its birth, as varint deltas (the first
 * from `born_seq`), written when the folio ends or, for a folio still live, when its run
 * finishes. About one byte per folio event; a page's history then reads exactly its folios'
 * events by the log's primary key, however long they lived. Null in runs older than this
 * migration (histories then read each folio's lifetime range) and in unfinished runs.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('folios').addColumn('events', blob(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('folios').dropColumn('events').execute();
}
