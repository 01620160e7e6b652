import { existsSync, readFileSync } from 'node:fs';
import { type Migration, NO_MIGRATIONS, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COLLAPSE_CONTEXT_CODES, COLLAPSE_RESULT_CODES, EXPLANATION_KINDS, HUGE_SETTING_CODES, SGP_CODES, SPLIT_CAUSE_CODES, VMA_KIND_CODES,
} from '../../src/model/decision-codes.js';
import { EVENT_CODES } from '../../src/model/events.js';
import { APPLICATION_ID, createMigrator, loadMigrations, openStore } from '../../src/store/index.js';
import { MIGRATION_NAMES, tempDir } from './_helpers.js';

const TABLES = ['campaign_chunks', 'campaign_failures', 'campaigns', 'checkpoints', 'event_types', 'events', 'explanation_codes', 'explanations', 'files', 'folio_states', 'folios', 'operation_blocks', 'operations', 'runs', 'store_meta'];
const VIEWS = ['event_log', 'folio_lifetimes', 'holes_as_data', 'op_summary', 'run_memory', 'run_metrics', 'split_failures'];

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());


describe('openStore migrations', () => {
  it('migrates a :memory: database with the real migrations/', async () => {
    const store = await openStore(':memory:', 'create');
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'kysely%' and name not like 'sqlite%' order by name`.execute(store.db);
    expect(rows.map((r) => r.name)).toEqual(TABLES);
    const views = await sql<{ name: string }>`select name from sqlite_master where type = 'view' order by name`.execute(store.db);
    expect(views.rows.map((r) => r.name)).toEqual(VIEWS);
    await store.close();
  });

  it('creates a fresh file as a WAL store with application_id, foreign keys and a 10 s busy timeout', async () => {
    const path = tmp.file('new.db');
    const store = await openStore(path, 'create');
    const pragma = async (name: string): Promise<unknown> =>
      Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0] ?? {})[0];
    expect(await pragma('application_id')).toBe(APPLICATION_ID);
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBeGreaterThanOrEqual(10_000);
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    expect(applied.rows.map((r) => r.name)).toContain('0004_create_explanations');
    await store.close();
    expect(existsSync(path)).toBe(true);
  });

  it('reopens a migrated file without migrating again', async () => {
    const path = tmp.file('again.db');
    await (await openStore(path, 'create')).close();
    const store = await openStore(path, 'create');
    const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(store.db);
    expect(applied.rows[0]?.n).toBe(MIGRATION_NAMES.length);
    await store.close();
  });

  it("migrates a store that is behind in 'existing' mode, and refuses it, byte-identical, in 'readonly' mode", async () => {
    const path = tmp.file('old.db');
    const store = await openStore(path, 'create');
    const down = await createMigrator(store.db, await loadMigrations()).migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    await store.close();
    const before = readFileSync(path);
    const refused: unknown = await openStore(path, 'readonly').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'E_NEEDS_MIGRATION' });
    expect(readFileSync(path).equals(before)).toBe(true);
    const reopened = await openStore(path, 'existing');
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(reopened.db);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    expect(await reopened.listRuns()).toEqual([]);
    await reopened.close();
  });

  it('fills event_types with the frozen codes of src/model/events.ts', async () => {
    const store = await openStore(':memory:', 'create');
    const rows = await store.db.selectFrom('event_types').selectAll().orderBy('code').execute();
    expect(Object.fromEntries(rows.map((r) => [r.name, r.code]))).toEqual(EVENT_CODES);
    await store.close();
  });

  it('fills folio_states with the lifecycle state codes', async () => {
    const store = await openStore(':memory:', 'create');
    const rows = await store.db.selectFrom('folio_states').selectAll().orderBy('code').execute();
    expect(rows.map((r) => [r.code, r.name])).toEqual([
      [1, 'allocated'], [2, 'partially-punched'], [3, 'split-failed'], [4, 'reclaim-candidate'],
      [5, 'collapsed'], [6, 'split'], [7, 'freed'], [8, 'collapsed-into'],
    ]);
    await store.close();
  });

  it('goes all the way back down to NO_MIGRATIONS and up again', async () => {
    const store = await openStore(':memory:', 'create');
    const migrations = await loadMigrations();
    const down = await createMigrator(store.db, migrations).migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([
      ...[...MIGRATION_NAMES].reverse().map((name) => [name, 'Down', 'Success']),
    ]);
    const left = await sql<{ name: string }>`select name from sqlite_master where type in ('table', 'view') and name not like 'kysely%' and name not like 'sqlite%'`.execute(store.db);
    expect(left.rows).toEqual([]);
    const up = await createMigrator(store.db, migrations).migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => r.status)).toEqual(MIGRATION_NAMES.map(() => 'Success'));
    await store.close();
  });
});

describe('migration 0004_create_explanations', () => {
  /** A stand-in for another branch's 0003 that creates views over the 0001/0002 tables. */
  const THIRD: Migration = {
    up: async (db) => { await sql`create view run_sizes as select id, events from runs`.execute(db); },
    down: async (db) => { await sql`drop view run_sizes`.execute(db); },
  };

  it.each([['without a 0003', false], ['after a 0003 of another branch', true]])('applies after 0002 %s, and goes back down', async (_title, third) => {
    const store = await openStore(':memory:', 'create');
    const all = await loadMigrations();
    expect((await createMigrator(store.db, all).migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
    const names = ['0001_create_runs_and_events', '0002_add_pins_digests_and_page_index', '0004_create_explanations'];
    const chosen: Record<string, Migration> = Object.fromEntries(names.map((n) => [n, all[n]!]));
    if (third) chosen['0003_create_views'] = THIRD;
    const up = await createMigrator(store.db, chosen).migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => r.migrationName)).toEqual(Object.keys(chosen).sort());
    const codes = await store.db.selectFrom('explanation_codes').select(['code', 'name']).where('field', '=', 'kind').orderBy('code').execute();
    expect(codes).toEqual([{ code: 1, name: 'allocation' }, { code: 2, name: 'split' }, { code: 3, name: 'collapse' }]);
    const down = await createMigrator(store.db, chosen).migrateTo('0002_add_pins_digests_and_page_index');
    expect(down.error).toBeUndefined();
    const left = await sql<{ name: string }>`select name from sqlite_master where name like 'explanation%' or name = 'run_sizes'`.execute(store.db);
    expect(left.rows).toEqual([]);
    await store.close();
  });

  it('keeps the codes of src/model/decision-codes.ts', async () => {
    const store = await openStore(':memory:', 'create');
    const rows = await store.db.selectFrom('explanation_codes').selectAll().execute();
    const table = (field: string): Record<string, number> => Object.fromEntries(rows.filter((r) => r.field === field).map((r) => [r.name, r.code]));
    expect(table('kind')).toEqual(EXPLANATION_KINDS);
    expect(table('sgp')).toEqual(SGP_CODES);
    expect(table('split_cause')).toEqual(SPLIT_CAUSE_CODES);
    expect(table('collapse_context')).toEqual(COLLAPSE_CONTEXT_CODES);
    expect(table('collapse_result')).toEqual(COLLAPSE_RESULT_CODES);
    expect(table('huge')).toEqual(HUGE_SETTING_CODES);
    expect(table('vma_kind')).toEqual({ none: 0, ...VMA_KIND_CODES });
    await store.close();
  });
});
