import { readdirSync, readFileSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, loadMigrations, openStore } from '../../src/store/index.js';
import { recordRun } from '../store/_stream.js';
import { cli, fileHash, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

const SCRIPT = 'mount tmpfs huge=always\npwrite 0 8m\ntruncate 2m\n';

/** A store of `n` complete runs of SCRIPT. */
async function store(n: number): Promise<string> {
  const db = t.file('s.db');
  const script = t.file('s.fl', SCRIPT);
  for (let k = 0; k < n; k++) expect((await cli('run', script, '--db', db)).code).toBe(0);
  return db;
}

async function listed(db: string): Promise<Array<{ id: number; status: string; events: number }>> {
  const r = await cli('runs', '--db', db, '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Array<{ id: number; status: string; events: number }>;
}

describe.each([
  ['runs', (db: string) => ['runs', '--db', db]],
  ['runs --json', (db: string) => ['runs', '--db', db, '--json']],
  ['runs --delete', (db: string) => ['runs', '--delete', '1', '--db', db]],
  ['diff', (db: string) => ['diff', '1', '2', '--db', db]],
])('foliolog %s on no store', (_name, argv) => {
  it('refuses a missing file with one line, exit 2, and creates nothing', async () => {
    const db = t.file('typo.db');
    expect(await cli(...argv(db))).toEqual({ code: 2, stdout: '', stderr: `foliolog: ${db}: no foliolog store here (run or kernel creates one)\n` });
    expect(readdirSync(t.dir)).toEqual([]);
  });

  it('refuses a 0-byte file with one line, exit 2, and leaves it 0 bytes', async () => {
    const db = t.file('empty.db', '');
    expect(await cli(...argv(db))).toEqual({ code: 2, stdout: '', stderr: `foliolog: ${db}: no foliolog store here (run or kernel creates one)\n` });
    expect(readFileSync(db)).toHaveLength(0);
    expect(readdirSync(t.dir)).toEqual(['empty.db']);
  });
});

describe('foliolog runs --delete', () => {
  it('deletes a complete run, says so on stderr, then lists the remaining runs as runs does', async () => {
    const db = await store(3);
    const [, second] = await listed(db);
    const r = await cli('runs', '--delete', '2', '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`deleted run 2 (${second!.events} events)\n`);
    expect(r.stdout).toBe((await cli('runs', '--db', db, '--json')).stdout);
    expect((JSON.parse(r.stdout) as Array<{ id: number }>).map((x) => x.id)).toEqual([1, 3]);
    const table = await cli('runs', '--delete', '3', '--db', db);
    expect(table.stdout).toBe((await cli('runs', '--db', db)).stdout);
    expect(table.stdout).toMatch(/^id +source +script/);
  });

  it('deletes an incomplete run left by a writer that never finished', async () => {
    const db = await store(1);
    const s = await openStore(db, 'create');
    try {
      recordRun(s, 1_500, { batchSize: 500, finish: false });
    } finally {
      await s.close();
    }
    expect((await listed(db)).map((x) => x.status)).toEqual(['complete', 'incomplete']);
    const r = await cli('runs', '--delete', '2', '--db', db, '--json');
    expect(r).toMatchObject({ code: 0, stderr: 'deleted run 2 (1500 events, incomplete)\n' });
    expect((await listed(db)).map((x) => x.id)).toEqual([1]);
  });

  it('deletes nothing for an unknown id, names it and exits 2', async () => {
    const db = await store(2);
    const before = fileHash(db);
    expect(await cli('runs', '--delete', '2', '9', '--db', db)).toEqual({ code: 2, stdout: '', stderr: 'foliolog: no run 9: nothing deleted\n' });
    expect(fileHash(db)).toBe(before);
    expect((await listed(db)).map((x) => x.id)).toEqual([1, 2]);
  });

  it.each(['3x', '0', '-1', '1.5', '0x2', ''])('refuses the id %j with exit 2 before opening the store', async (id) => {
    const db = await store(1);
    const before = fileHash(db);
    expect(await cli('runs', '--delete', id, '--db', db)).toEqual({ code: 2, stdout: '', stderr: `foliolog: not a run id: ${id}\n` });
    expect(fileHash(db)).toBe(before);
  });

  it('never gives a deleted id to a new run', async () => {
    const db = await store(2);
    expect((await cli('runs', '--delete', '2', '--vacuum', '--db', db)).code).toBe(0);
    const r = await cli('run', t.file('s.fl'), '--db', db);
    expect(r.stderr).toMatch(/^run 3\nrun 3: complete/);
    expect((await listed(db)).map((x) => x.id)).toEqual([1, 3]);
  });
});

describe('foliolog runs --vacuum', () => {
  it('shrinks the file once runs are deleted, alone or with --delete', async () => {
    const db = t.file('s.db');
    const big = t.file('big.fl', 'mount tmpfs huge=never\npwrite 0 64m\n');
    expect((await cli('run', big, '--db', db)).code).toBe(0);
    expect((await cli('run', big, '--db', db)).code).toBe(0);
    const full = statSync(db).size;
    const once = await cli('runs', '--delete', '1', '--vacuum', '--db', db, '--json');
    expect(once.code).toBe(0);
    expect(once.stderr).toMatch(/^deleted run 1 \(\d+ events\)\nvacuumed .*s\.db: \d+ -> \d+ bytes\n$/);
    expect(statSync(db).size).toBeLessThan(full * 0.6);
    expect((await cli('runs', '--delete', '2', '--db', db)).code).toBe(0);
    const kept = statSync(db).size;
    const alone = await cli('runs', '--vacuum', '--db', db, '--json');
    expect(alone).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(statSync(db).size).toBeLessThan(kept / 4);
  });
});

describe('foliolog runs on a store of an older foliolog', () => {
  it('migrates it forward rather than refusing it', async () => {
    // A store stamped as foliolog's before any migration ran: what an older build would leave.
    const db = t.file('old.db');
    const raw = new BetterSqlite3(db);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.exec('create table kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)');
    raw.close();
    expect(await cli('runs', '--db', db, '--json')).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    const migrated = new BetterSqlite3(db, { readonly: true });
    expect(migrated.prepare('select name from kysely_migration order by name').pluck().all()).toEqual(Object.keys(await loadMigrations()).sort());
    migrated.close();
  });
});
