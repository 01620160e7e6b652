import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMigrator, loadMigrations } from '../../src/store/index.js';

/*
 * Migrations are frozen once merged: whatever is refactored around them (issue 13 routed their
 * SQLite-only parts through migrations/_dialect.ts so that they also run on PostgreSQL), a fresh
 * SQLite store migrated to 0009 must hold exactly the schema text it held before. The fixture was
 * recorded from the migrations as merged, before that change.
 */
const FIXTURE = new URL('./fixtures/sqlite-schema-0009.json', import.meta.url);

describe('migrations 0001–0009 on SQLite', () => {
  it('create a schema byte-identical to the one recorded before the dialect split', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    const { error } = await createMigrator(db, await loadMigrations()).migrateTo('0009_add_policy_work');
    expect(error).toBeUndefined();
    const rows = sqlite.prepare('select type, name, tbl_name, sql from sqlite_master order by name').all();
    await db.destroy();
    expect(rows).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  });
});
