import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { recordModel } from '../query/_runs.js';
import { sha256File, tempDir } from './_helpers.js';

let t: ReturnType<typeof tempDir>;
let path: string;
let store: Store;
beforeEach(async () => {
  t = tempDir();
  path = t.file('s.db');
  const writer = await openStore(path, 'create');
  recordModel(writer, 'mount tmpfs huge=always\npwrite 0 2m\ntruncate 0x4000000000000003\n');
  await writer.close();
  store = await openStore(path, 'readonly');
});
afterEach(async () => {
  await store.close();
  t.cleanup();
});

/** What `store.query` threw, as `{ code, message }`. */
function refusal(text: string): { code: unknown; message: unknown } {
  try {
    store.query(text);
  } catch (e) {
    return { code: (e as { code?: unknown }).code, message: (e as Error).message };
  }
  throw new Error(`not refused: ${text}`);
}

describe('Store.query', () => {
  it('answers one read-only statement with its column names and exact 64-bit integers', () => {
    const { columns, rows } = store.query('select i, op, size from operations where run_id = 1 order by i');
    expect(columns).toEqual(['i', 'op', 'size']);
    expect([...rows]).toEqual([[0n, 'mount tmpfs huge=always', 0n], [1n, 'pwrite 0 2m', 2097152n], [2n, 'truncate 0x4000000000000003', 0x4000000000000003n]]);
  });

  it.each([
    ['delete from runs', 'SQLite says this delete statement can write'],
    ['drop table events', 'SQLite says this drop statement can write'],
    ["insert into event_types values (99, 'x')", 'SQLite says this insert statement can write'],
    ['update runs set seed = 2', 'SQLite says this update statement can write'],
    ['with r as (select 1) delete from runs', 'SQLite says this with statement can write'],
    ['create temp table t (a)', 'SQLite says this create statement can write'],
    ['vacuum', 'SQLite says this vacuum statement can write'],
    ['pragma journal_mode = delete', 'a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME'],
    ['  /* tuned */ PRAGMA cache_size = 10', 'a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME'],
    ['pragma main.query_only(0)', 'a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME'],
    ['pragma wal_checkpoint', 'SQLite says this pragma statement can write'],
    ["attach ':memory:' as m", 'attach opens or closes another database file'],
    ['-- a comment\nATTACH DATABASE \'x.db\' AS x', 'attach opens or closes another database file'],
    ['detach m', 'detach opens or closes another database file'],
    ['begin', 'begin returns no rows: only queries run here'],
    ['savepoint a', 'savepoint returns no rows: only queries run here'],
  ])('refuses %j before it runs, store byte-identical', (text, why) => {
    const before = sha256File(path);
    expect(refusal(text)).toEqual({ code: 'E_NOT_READ_ONLY', message: `only read-only statements are allowed (${why})` });
    expect(sha256File(path)).toBe(before);
  });

  it('refuses VACUUM INTO, which would write another file', () => {
    const target = t.file('copy.db');
    expect(refusal(`vacuum into '${target}'`)).toMatchObject({ code: 'E_NOT_READ_ONLY' });
    expect(existsSync(target)).toBe(false);
  });

  it.each([
    ['select 1; select 2', 'one statement per call: this SQL holds more than one'],
    ['', 'no SQL statement to run'],
    ['  -- nothing\n', 'no SQL statement to run'],
    ['selec 1', 'near "selec": syntax error'],
    ['select * from nope', 'no such table: nope'],
    ['select nope from runs', 'no such column: nope'],
  ])('refuses %j with SQLite\'s words', (text, message) => {
    expect(refusal(text)).toEqual({ code: 'E_SQL', message });
  });

  it('reports an error SQLite meets while running as E_SQL', () => {
    const { rows } = store.query("select json_extract('{', '$.a')");
    expect(() => [...rows]).toThrow(expect.objectContaining({ code: 'E_SQL', message: 'malformed JSON' }));
  });

  it('reads pragmas without a value, and pragma table functions', () => {
    expect([...store.query('pragma application_id').rows]).toEqual([[0x466f6c67n]]);
    expect([...store.query("select name from pragma_table_info('files') order by cid").rows]).toEqual([['run_id'], ['id'], ['name'], ['mount'], ['kind']]);
  });
});
