import type { Kysely } from 'kysely';

/*
 * A collapse result for a block that holds a not-uptodate (fallocated) PMD folio: MADV_COLLAPSE
 * answers EINVAL there on 6.18.44-fc-v1272 (src/model/variants.ts). `explanations.result` 12 of
 * kind collapse. Frozen once merged.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.insertInto('explanation_codes').values({ field: 'collapse_result', code: 12, name: 'fallocated_pmd' }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('explanation_codes').where('field', '=', 'collapse_result').where('code', '=', 12).execute();
}
