import { existsSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { NO_MIGRATIONS } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMigrator, loadMigrations, openStore } from '../../src/store/index.js';
import { cli, fileHash, tempDir } from './_cli.js';

const KNOWN = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\nunpin\nfpunch 1m 64k\nseek -h 0\n';

let t: ReturnType<typeof tempDir>;
let db: string;
beforeEach(async () => {
  t = tempDir();
  db = t.file('s.db');
  expect((await cli('run', t.file('k.fl', KNOWN), '--db', db)).code).toBe(0);
});
afterEach(() => t.cleanup());

describe('foliolog query', () => {
  it('prints a readable table by default', async () => {
    expect(await cli('query', 'select folio, pins, pin_op, held_ops from split_failures where run_id = 1', '--db', db)).toEqual({
      code: 0, stderr: '', stdout: 'folio  pins  pin_op     held_ops\n1      1     pin 1m 4k  2\n',
    });
  });

  it('prints one JSON array of row objects on one line, 64-bit integers exact', async () => {
    const r = await cli('query', "select 9007199254740993 as n, -9223372036854775808 as low, 0.5 as r, null as z, x'00ff' as b, 'é\"' as s", '--db', db, '--json');
    expect(r).toEqual({ code: 0, stderr: '', stdout: '[{"n":9007199254740993,"low":-9223372036854775808,"r":0.5,"z":null,"b":"x\'00ff\'","s":"é\\""}]\n' });
    const big = t.file('big.fl', 'mount tmpfs\ntruncate 0x20000000000001\nseek -d 0x20000000000000\n');
    expect((await cli('run', big, '--db', db)).code).toBe(0);
    const sizes = await cli('query', 'select i, size from operations where run_id = 2 and i > 0', '--db', db, '--json');
    expect(sizes.stdout).toBe('[{"i":1,"size":9007199254740993},{"i":2,"size":9007199254740993}]\n');
    expect((await cli('query', 'select * from runs where id = 99', '--db', db, '--json')).stdout).toBe('[]\n');
  });

  it('prints CSV: a header line, then the rows, quoting commas, quotes and newlines (RFC 4180)', async () => {
    const sql = "select 'a,b' as \"x,y\", 'say \"hi\"' as q, 'two' || char(10) || 'lines' as nl, null as n, '' as e, 7 as k";
    expect(await cli('query', sql, '--db', db, '--csv')).toEqual({
      code: 0, stderr: '', stdout: '"x,y",q,nl,n,e,k\n"a,b","say ""hi""","two\nlines",,"",7\n',
    });
    const ops = await cli('query', 'select i, op, folios_by_order from op_summary where run_id = 1 and i >= 6', '--db', db, '--csv');
    expect(ops.stdout).toBe('i,op,folios_by_order\n6,fpunch 1m 64k,"{""0"":2,""1"":1,""2"":1,""3"":1,""5"":1,""6"":1,""7"":1,""8"":1}"\n'
      + '7,seek -h 0,"{""0"":2,""1"":1,""2"":1,""3"":1,""5"":1,""6"":1,""7"":1,""8"":1}"\n');
  });

  it.each([
    ['delete from events', 'only read-only statements are allowed (SQLite says this delete statement can write)'],
    ['drop view event_log', 'only read-only statements are allowed (SQLite says this drop statement can write)'],
    ["insert into files values (1, 9, 'x', 1, 'tmpfs')", 'only read-only statements are allowed (SQLite says this insert statement can write)'],
    ["update runs set status = 'failed'", 'only read-only statements are allowed (SQLite says this update statement can write)'],
    ["attach 'other.db' as o", 'only read-only statements are allowed (attach opens or closes another database file)'],
    ['pragma journal_mode = delete', 'only read-only statements are allowed (a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME)'],
    ['pragma user_version = 7', 'only read-only statements are allowed (a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME)'],
    ['pragma foreign_keys = off', 'only read-only statements are allowed (a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME)'],
    ['select 1; delete from runs', 'one statement per call: this SQL holds more than one'],
    ['select 1; select 2', 'one statement per call: this SQL holds more than one'],
    ['select * frm runs', 'near "frm": syntax error'],
    ['select * from no_such_table', 'no such table: no_such_table'],
  ])('refuses %j in one line, exit 2, the store byte-identical', async (sql, message) => {
    const before = fileHash(db);
    expect(await cli('query', sql, '--db', db)).toEqual({ code: 2, stdout: '', stderr: `foliolog: query: ${message}\n` });
    expect(fileHash(db)).toBe(before);
    // A read-only connection to a WAL store may create an empty -wal file; it never writes one.
    expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
    expect(existsSync(t.file('other.db'))).toBe(false);
    const runs = await cli('query', 'select id, status, events from runs', '--db', db, '--json');
    expect(runs.stdout).toBe('[{"id":1,"status":"complete","events":47}]\n');
  });

  it('refuses a store that needs migrating, untouched, and a missing store, creating nothing', async () => {
    const old = t.file('old.db');
    const store = await openStore(old, 'create');
    const { error } = await createMigrator(store.db, await loadMigrations()).migrateTo('0002_add_pins_digests_and_page_index');
    expect(error).toBeUndefined();
    await store.close();
    const before = fileHash(old);
    const r = await cli('query', 'select * from runs', '--db', old);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `foliolog: ${old} needs migrating: run any other foliolog command on it first (e.g. foliolog runs)\n` });
    expect(fileHash(old)).toBe(before);
    const missing = t.file('none.db');
    expect(await cli('query', 'select 1', '--db', missing)).toEqual({
      code: 2, stdout: '', stderr: `foliolog: ${missing}: no foliolog store here (run or kernel creates one)\n`,
    });
    expect(existsSync(missing)).toBe(false);
    // Down to nothing, too: the views are gone with 0003 and come back with the next writable open.
    const bare = await openStore(old, 'existing');
    expect((await createMigrator(bare.db, await loadMigrations()).migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
    await bare.close();
    expect((await cli('runs', '--db', old)).code).toBe(0);
    expect((await cli('query', 'select count(*) as n from op_summary', '--db', old, '--json')).stdout).toBe('[{"n":0}]\n');
  });

  it('opens the store read-only: SQLite itself would refuse a write', async () => {
    const raw = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
    expect(() => raw.prepare('delete from runs').run()).toThrow(/readonly/);
    raw.close();
  });

  it('refuses --json with --csv', async () => {
    expect(await cli('query', 'select 1', '--db', db, '--json', '--csv')).toEqual({
      code: 2, stdout: '', stderr: 'foliolog: query: choose one of --json and --csv\n',
    });
  });
});
