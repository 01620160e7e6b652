import type { Kysely } from 'kysely';
import { createView, int64 } from './_dialect.js';

/*
 * The what-if lab's memory metrics (issue 10). `operations.no_data`: after a model run's
 * command, the pages resident in every file's page cache that hold no written byte (punched,
 * fallocated, or never written: the memory the linux-mm thread worries about); null for kernel
 * runs and runs recorded before. View `run_memory`, one row per run that has operations: its
 * peak resident pages, peak no-data pages, the no-data integral (page × operations: the sum of
 * no_data over its operations) and the last operation's values. Frozen once merged.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operations').addColumn('no_data', int64(db)).execute();
  await createView(db, `create view run_memory as
select o.run_id, count(*) as ops,
  max(o.resident) as peak_resident, max(o.no_data) as peak_no_data, sum(o.no_data) as no_data_integral,
  (select l.resident from operations l where l.run_id = o.run_id order by l.i desc limit 1) as final_resident,
  (select l.no_data from operations l where l.run_id = o.run_id order by l.i desc limit 1) as final_no_data
from operations o group by o.run_id`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropView('run_memory').execute();
  await db.schema.alterTable('operations').dropColumn('no_data').execute();
}
