import type { Kysely } from 'kysely';
import { createView, int64 } from './_dialect.js';

/*
 * The what-if lab's work metrics (issue 10), beside 0008's memory ones. Per operation of a run
 * recorded with metrics (`run --metrics`, `compare`; null otherwise), what the command cost the
 * policy: `split_retries` (flag-reclaim: splits retried on reclaim candidates), `pages_scanned`
 * and `bytes_compared` (zeropage-scan: pages looked at, bytes compared with zero up to each
 * page's first non-zero byte), `zeros_holed` (zeropage-scan: freed pages that held zeros the
 * user wrote) — each the command's own share — and `metadata_bytes` (per-block: bytes of
 * per-block state held after it). View `run_metrics`, one row per run with operations: 0008's
 * `run_memory` columns plus the sums of those four, peak and final metadata bytes, and
 * `seek_no_data`, the bytes SEEK_DATA/SEEK_HOLE reported as data that hold no written byte
 * (`operations.unwritten_data` summed). New codes: event 12 `folio_uptodate_cleared` (per-block:
 * punched pages of a folio a punch could not split stop being uptodate); split causes 6 `retry`
 * (flag-reclaim) and 7 `scan` (zeropage-scan). Frozen once merged.
 */

const WORK_COLUMNS = ['split_retries', 'pages_scanned', 'bytes_compared', 'zeros_holed', 'metadata_bytes'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of WORK_COLUMNS) await db.schema.alterTable('operations').addColumn(column, int64(db)).execute();
  await db.insertInto('event_types').values({ code: 12, name: 'folio_uptodate_cleared' }).execute();
  await db.insertInto('explanation_codes').values([
    { field: 'split_cause', code: 6, name: 'retry' },
    { field: 'split_cause', code: 7, name: 'scan' },
  ]).execute();
  await createView(db, `create view run_metrics as
select o.run_id, count(*) as ops,
  max(o.resident) as peak_resident, max(o.no_data) as peak_no_data, sum(o.no_data) as no_data_integral,
  (select l.resident from operations l where l.run_id = o.run_id order by l.i desc limit 1) as final_resident,
  (select l.no_data from operations l where l.run_id = o.run_id order by l.i desc limit 1) as final_no_data,
  sum(o.split_retries) as split_retries, sum(o.pages_scanned) as pages_scanned, sum(o.bytes_compared) as bytes_compared,
  sum(o.zeros_holed) as zeros_holed, max(o.metadata_bytes) as peak_metadata_bytes,
  (select l.metadata_bytes from operations l where l.run_id = o.run_id order by l.i desc limit 1) as final_metadata_bytes,
  sum(o.unwritten_data) as seek_no_data
from operations o group by o.run_id`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropView('run_metrics').execute();
  await db.deleteFrom('explanation_codes').where('field', '=', 'split_cause').where('code', 'in', [6, 7]).execute();
  await db.deleteFrom('event_types').where('code', '=', 12).execute();
  for (const column of [...WORK_COLUMNS].reverse()) await db.schema.alterTable('operations').dropColumn(column).execute();
}
