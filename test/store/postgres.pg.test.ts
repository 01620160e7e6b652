import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type StoreError, openPostgresStore, openStore } from '../../src/store/index.js';
import { copyText } from '../../src/store/postgres/run-rows.js';
import { PG_SKIP, usePostgres } from './_pg.js';

if (PG_SKIP !== undefined) console.warn(PG_SKIP);

/** The names in the database's current schema, tables and views, without Kysely's own. */
async function pgRelations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`select table_name as name from information_schema.tables
      where table_schema = current_schema() order by table_name`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

async function psql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function refusal(open: Promise<unknown>): Promise<StoreError> {
  try {
    await open;
  } catch (e) {
    return e as StoreError;
  }
  throw new Error('opened');
}

describe('copyText (COPY FROM STDIN text format)', () => {
  it.each([
    ['null', null, '\\N'], ['a bigint', 12n, '12'], ['a bigint past 2^53', -9007199254740993n, '-9007199254740993'],
    ['a number', 7, '7'], ['plain text', 'plain', 'plain'],
    ['tab, newline, CR and backslash', 'a\tb\nc\rd\\e', 'a\\tb\\nc\\rd\\\\e'], ['text that reads \\N', '\\N', '\\\\N'],
    ['bytes, as bytea hex', new Uint8Array([0, 0xab, 0x10]), '\\\\x00ab10'],
  ] as const)('writes %s', (_what, value, text) => {
    expect(copyText(value)).toBe(text);
  });
});

describe.skipIf(PG_SKIP !== undefined)('openPostgresStore', () => {
  const cluster = usePostgres();

  it('creates the same tables, views and columns as SQLite, in the same order', async () => {
    const url = await cluster.database();
    const store = await openPostgresStore(url, 'create');
    const { rows } = await sql<{ t: string; c: string }>`select table_name as t, column_name as c from information_schema.columns
      where table_schema = current_schema() and table_name not like 'kysely%' order by table_name, ordinal_position`.execute(store.db);
    await store.close();
    const onPg = new Map<string, string[]>();
    for (const r of rows) onPg.set(r.t, [...(onPg.get(r.t) ?? []), r.c]);

    const lite = await openStore(':memory:', 'create');
    const names = lite.query(`select name from sqlite_master where type in ('table', 'view')
      and name not like 'kysely%' and name not like 'sqlite%' order by name`).rows;
    const onSqlite = new Map<string, string[]>();
    for (const [name] of names) {
      const cols = [...lite.query(`select name from pragma_table_info('${String(name)}') order by cid`).rows].map(([c]) => String(c));
      onSqlite.set(String(name), cols);
    }
    await lite.close();
    expect(Object.fromEntries([...onPg].sort())).toEqual(Object.fromEntries([...onSqlite].sort()));
    expect(onPg.has('store_meta') && onPg.has('event_log')).toBe(true);
  });

  it('keeps 64-bit columns exact as bigint and blobs as bytea', async () => {
    const url = await cluster.database();
    await (await openPostgresStore(url, 'create')).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ c: string; t: string }>(`select table_name || '.' || column_name as c, data_type as t
      from information_schema.columns where table_schema = current_schema()
      and (table_name, column_name) in (('events', 'seq'), ('events', 'arg'), ('operations', 'size'), ('operations', 'bytes_compared'),
        ('explanations', 'i_size'), ('folios', 'pgoff'), ('checkpoints', 'data'), ('folios', 'order')) order by 1`);
    await client.end();
    expect(Object.fromEntries(rows.map((r) => [r.c, r.t]))).toEqual({
      'checkpoints.data': 'bytea', 'events.arg': 'bigint', 'events.seq': 'bigint', 'explanations.i_size': 'bigint',
      'folios.order': 'integer', 'folios.pgoff': 'bigint', 'operations.bytes_compared': 'bigint', 'operations.size': 'bigint',
    });
  });

  it('reopens a store without migrating again, and gives it a lasting identity', async () => {
    const url = await cluster.database();
    const first = await openPostgresStore(url, 'create');
    const id = (await first.db.selectFrom('store_meta').select('value').where('key', '=', 'id').executeTakeFirstOrThrow()).value;
    await first.close();
    const again = await openPostgresStore(url, 'existing');
    const applied = await again.db.selectFrom('kysely_migration' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const same = (await again.db.selectFrom('store_meta').select('value').where('key', '=', 'id').executeTakeFirstOrThrow()).value;
    await again.close();
    expect(same).toBe(id);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number((applied as { n: number }).n)).toBeGreaterThanOrEqual(10);
  });

  it('lets two openers of one new database race: both get the store, created once', async () => {
    const url = await cluster.database();
    const [a, b] = await Promise.all([openPostgresStore(url, 'create'), openPostgresStore(url, 'create')]);
    expect(await a.listRuns()).toEqual([]);
    expect(await b.listRuns()).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a database without tables for a command that only reads, and creates nothing', async () => {
    const url = await cluster.database();
    const e = await refusal(openPostgresStore(url, 'existing'));
    expect(e.code).toBe('E_NO_STORE');
    expect(await pgRelations(url)).toEqual([]);
  });

  it("refuses another application's database before any write", async () => {
    const url = await cluster.database();
    await psql(url, 'create table notes (id integer primary key, body text)');
    const e = await refusal(openPostgresStore(url, 'create'));
    expect(e.code).toBe('E_FOREIGN');
    expect(e.message).toMatch(/is not a foliolog store \(a PostgreSQL database with tables notes\)$/);
    expect(await pgRelations(url)).toEqual(['notes']);
  });

  it('refuses a store a newer foliolog migrated, before any write', async () => {
    const url = await cluster.database();
    await (await openPostgresStore(url, 'create')).close();
    await psql(url, `insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_foliolog', 'then')`);
    const before = await pgRelations(url);
    const e = await refusal(openPostgresStore(url, 'create'));
    expect(e.code).toBe('E_NEWER');
    expect(e.message).toBe(`${url} was made by a newer foliolog (unknown migration 9999_from_a_newer_foliolog)`);
    expect(await pgRelations(url)).toEqual(before);
  });

  it('says it cannot reach a server that is not there, without its password', async () => {
    const e = await refusal(openPostgresStore(`postgres://me:secret@/none?host=${cluster.socketDir}/nowhere`, 'existing'));
    expect(e.code).toBe('E_UNREADABLE');
    expect(e.message).not.toContain('secret');
    expect(e.message).toContain('postgres://me:***@/none');
  });

  it('migrates all the way down and up again on PostgreSQL', async () => {
    const url = await cluster.database();
    await (await openPostgresStore(url, 'create')).close();
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
    const { createMigrator, loadMigrations } = await import('../../src/store/index.js');
    const { NO_MIGRATIONS } = await import('kysely');
    const migrator = createMigrator(db, await loadMigrations());
    expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
    expect((await pgRelations(url)).filter((n) => !n.startsWith('kysely'))).toEqual([]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await db.destroy();
  });
});
