import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, type OpenMode, type StoreErrorCode, isStoreError, loadMigrations, openStore } from '../../src/store/index.js';
import { CLOCK, meta, sha256File, tempDir } from './_helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** Expect `openStore` to refuse `path` with `code`, leaving the file byte-identical. */
async function expectRefused(path: string, code: StoreErrorCode, mode: OpenMode = 'create'): Promise<string> {
  const before = sha256File(path);
  const files = readdirSync(tmp.dir).sort();
  const error: unknown = await openStore(path, mode).then(() => undefined, (e: unknown) => e);
  expect(isStoreError(error, code), String(error)).toBe(true);
  expect(sha256File(path)).toBe(before);
  if (code === 'E_FOREIGN') expect(readdirSync(tmp.dir).sort()).toEqual(files);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('openStore recognition', () => {
  it('refuses a text file, naming it, and leaves it byte-identical', async () => {
    const path = tmp.file('notes.txt');
    writeFileSync(path, 'mount tmpfs huge=always\npwrite 0 2m\n'.repeat(20));
    expect(await expectRefused(path, 'E_FOREIGN')).toContain(path);
  });

  it('refuses a file shorter than one SQLite header but not SQLite at all as foreign', async () => {
    const path = tmp.file('short.txt');
    writeFileSync(path, 'SQLite');
    await expectRefused(path, 'E_FOREIGN');
  });

  it.each(['delete', 'wal'])("refuses another application's SQLite file (journal %s) and leaves it byte-identical", async (mode) => {
    const path = tmp.file('other.db');
    const other = new BetterSqlite3(path);
    other.pragma(`journal_mode = ${mode}`);
    other.pragma('application_id = 1234');
    other.exec("create table notes (body text); insert into notes values ('hello')");
    other.close();
    expect(await expectRefused(path, 'E_FOREIGN')).toMatch(/application_id 0x000004d2/);
  });

  it('refuses an SQLite file with no application_id at all', async () => {
    const path = tmp.file('plain.db');
    const other = new BetterSqlite3(path);
    other.exec('create table t (x integer)');
    other.close();
    await expectRefused(path, 'E_FOREIGN');
  });

  it('refuses, byte-identical, a store carrying a migration this build does not know', async () => {
    const path = tmp.file('newer.db');
    await (await openStore(path, 'create')).close();
    const raw = new BetterSqlite3(path);
    raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('0002_from_the_future', '2030-01-01T00:00:00.000Z');
    raw.close();
    expect(await expectRefused(path, 'E_NEWER')).toMatch(/newer foliolog/);
    expect(await expectRefused(path, 'E_NEWER', 'existing')).toMatch(/newer foliolog/);
    expect(await expectRefused(path, 'E_NEWER', 'readonly')).toMatch(/newer foliolog/);
  });

  it('turns a 0-byte file into a new store', async () => {
    const path = tmp.file('empty.db');
    writeFileSync(path, '');
    const store = await openStore(path, 'create');
    expect(await store.listRuns()).toEqual([]);
    await store.close();
  });
});

describe('openStore read-only', () => {
  it('refuses a store that needs migrating, byte-identical', async () => {
    const path = tmp.file('bare.db');
    const raw = new BetterSqlite3(path);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.exec('create table placeholder (x integer)');
    raw.close();
    expect(await expectRefused(path, 'E_NEEDS_MIGRATION', 'readonly')).toMatch(/needs migrating/);
  });

  it('reads a migrated store and refuses to write to it', async () => {
    const path = tmp.file('ro.db');
    const writer = await openStore(path, 'create');
    writer.beginRun(meta(), CLOCK).finish('complete');
    await writer.close();
    const store = await openStore(path, 'readonly');
    expect((await store.listRuns()).map((r) => r.status)).toEqual(['complete']);
    expect(() => store.beginRun(meta(), CLOCK)).toThrowError(expect.objectContaining({ code: 'E_READONLY' }));
    await expect(sql`insert into event_types values (99, 'x')`.execute(store.db)).rejects.toThrow(/readonly/);
    await store.close();
  });
});

describe.each(['existing', 'readonly'] as const)("openStore in '%s' mode", (mode) => {
  it('refuses a missing file and creates nothing, not even a WAL', async () => {
    const path = tmp.file('typo.db');
    const error: unknown = await openStore(path, mode).catch((e: unknown) => e);
    expect(isStoreError(error, 'E_NO_STORE'), String(error)).toBe(true);
    expect((error as Error).message).toBe(`${path}: no foliolog store here (run or kernel creates one)`);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('refuses a 0-byte file and leaves it 0 bytes', async () => {
    const path = tmp.file('empty.db');
    writeFileSync(path, '');
    expect(await expectRefused(path, 'E_NO_STORE', mode)).toContain('no foliolog store here');
    expect(readFileSync(path)).toHaveLength(0);
    expect(readdirSync(tmp.dir)).toEqual(['empty.db']);
  });

  it('opens a store that exists', async () => {
    const path = tmp.file('s.db');
    const writer = await openStore(path, 'create');
    writer.beginRun(meta(), CLOCK).finish('complete');
    await writer.close();
    const store = await openStore(path, mode);
    expect((await store.listRuns()).map((r) => r.id)).toEqual([1]);
    expect(store.readonly).toBe(mode === 'readonly');
    await store.close();
  });
});

describe("openStore of a store that is up to date", () => {
  it("takes no write lock: it opens while another connection holds one", async () => {
    const path = tmp.file('busy.db');
    await (await openStore(path, 'create')).close();
    const writer = new BetterSqlite3(path);
    writer.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      for (const mode of ['create', 'existing', 'readonly'] as const) await (await openStore(path, mode)).close();
      expect(performance.now() - started).toBeLessThan(5_000); // the busy timeout is 10 s
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });
});

describe('openStore racing on a fresh file', () => {
  it('lets four connections open it at once; the schema is created once', async () => {
    const path = tmp.file('race.db');
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore(path, 'create')));
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(stores[0]!.db);
    expect(applied.rows).toHaveLength(Object.keys(await loadMigrations()).length);
    const ids = stores.map((s, n) => s.beginRun(meta(`r${n}.fl`), CLOCK).finish('complete').runId);
    expect(new Set(ids).size).toBe(4);
    await Promise.all(stores.map((s) => s.close()));
  });
});
