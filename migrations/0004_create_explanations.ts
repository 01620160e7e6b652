import type { Kysely } from 'kysely';
import { int64, strict, withoutRowidStrict } from './_dialect.js';

/*
 * Why the model did what it did (`foliolog explain`): one row per decision of a model run,
 * keyed by run, operation `i` and the decision's order `n` within it. Frozen once merged.
 * Decisions are not events: the event log and its hash are the same with or without them.
 * Kernel runs have none (the kernel does not say why).
 *
 * Self-contained: it creates its own two tables and reads or alters no other, so it applies
 * after 0002 whether or not a 0003 exists. Imports only kysely: the codes below are literal
 * copies of src/model/decision-codes.ts.
 *
 * Integers only, and only what cannot be recomputed from the events and folio rows (a few
 * bytes per event). Columns by `kind`:
 * - allocation (1): `folio` the first folio allocated (null: ENOSPC even at order 0) and `nr`
 *   the folios this row covers (null: 1; consecutive allocations of one operation with the
 *   same decision share a row); `pgoff` the page looked up (null: the folio's first page);
 *   `cause` the lookup (`sgp`); `settings` the huge settings packed (bits 0–2 shmem_enabled,
 *   3–5 the superblock's huge=, 6 internal mount, 7–8 VMA kind, 9 VM_HUGEPAGE,
 *   10 VM_NOHUGEPAGE, 11–19 the VMA's misalignment in pages); `per_size` the per-size settings
 *   (3 bits per order 1…9, anonymous-shmem VMAs only); the order masks after each stage of
 *   kernel.md §2 (bit o = order o; null: unchanged from the stage before): `global_orders`,
 *   `allowable_orders`, `vma_orders`, `suitable_orders`; `i_size`/`write_end` in bytes when a
 *   within_size setting read them; `vma_start`/`vma_end` the file pages the VMA maps when it
 *   removed orders.
 * - split (2): `folio`, `pgoff` the page split around (null: uniform), `cause`, `result` 1 split
 *   (around the range's first page), 2 split around the page after the range, 0 refused; `nr`
 *   the pins that refused it.
 * - collapse (3): `folio` the PMD folio born (or the pinned / PMD folio met), `pgoff` the
 *   block's first page (or the VMA's), `cause` who collapsed, `result`, `nr` pages present (or
 *   blocks only partly in the VMA), `settings` the pages needed present (max_ptes_none),
 *   `vma_end` for VMA-wide results.
 */

const CODES: ReadonlyArray<readonly [string, number, string]> = [
  ['kind', 1, 'allocation'], ['kind', 2, 'split'], ['kind', 3, 'collapse'],
  ['sgp', 1, 'write'], ['sgp', 2, 'falloc'], ['sgp', 3, 'cache'],
  ['split_cause', 1, 'punch'], ['split_cause', 2, 'truncate'], ['split_cause', 3, 'unfalloc'],
  ['split_cause', 4, 'reclaim'], ['split_cause', 5, 'size_limit'],
  ['split_result', 0, 'refused'], ['split_result', 1, 'split'], ['split_result', 2, 'split_after_range'],
  ['collapse_context', 1, 'madvise'], ['collapse_context', 2, 'khugepaged'],
  ['collapse_result', 1, 'collapsed'], ['collapse_result', 2, 'pmd'], ['collapse_result', 3, 'pinned'],
  ['collapse_result', 4, 'max_ptes_none'], ['collapse_result', 5, 'empty'], ['collapse_result', 6, 'past_eof'],
  ['collapse_result', 7, 'charge'], ['collapse_result', 8, 'policy'], ['collapse_result', 9, 'vma_fit'],
  ['collapse_result', 10, 'no_block'], ['collapse_result', 11, 'partial'],
  ['huge', 0, 'never'], ['huge', 1, 'always'], ['huge', 2, 'within_size'], ['huge', 3, 'advise'],
  ['huge', 4, 'deny'], ['huge', 5, 'force'], ['huge', 6, 'inherit'],
  ['vma_kind', 0, 'none'], ['vma_kind', 1, 'file'], ['vma_kind', 2, 'anon'], ['vma_kind', 3, 'sysv'],
];

/** Columns that hold byte positions, page indexes or folio ids: `bigint` on PostgreSQL. */
const WIDE = ['folio', 'pgoff', 'i_size', 'write_end', 'vma_start', 'vma_end'];

export async function up(db: Kysely<any>): Promise<void> {
  let t = db.schema.createTable('explanations')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('i', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('kind', 'integer', (c) => c.notNull());
  for (const column of ['folio', 'nr', 'pgoff', 'cause', 'result', 'settings', 'per_size', 'global_orders',
    'allowable_orders', 'vma_orders', 'suitable_orders', 'i_size', 'write_end', 'vma_start', 'vma_end']) {
    t = t.addColumn(column, WIDE.includes(column) ? int64(db) : 'integer');
  }
  await t.addPrimaryKeyConstraint('explanations_pk', ['run_id', 'i', 'n'])
    .$call(withoutRowidStrict(db))
    .execute();
  await db.schema.createTable('explanation_codes')
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('code', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('explanation_codes_pk', ['field', 'code'])
    .$call(strict(db))
    .execute();
  await db.insertInto('explanation_codes').values(CODES.map(([field, code, name]) => ({ field, code, name }))).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('explanation_codes').execute();
  await db.schema.dropTable('explanations').execute();
}
