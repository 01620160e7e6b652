import { execFileSync } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_TABLES, openStore } from '../../src/store/index.js';
import { PG_SKIP, usePostgres } from '../store/_pg.js';
import { BIN, cli, cliWith, tempDir } from './_cli.js';

if (PG_SKIP !== undefined) console.warn(PG_SKIP);

const EXAMPLE = new URL('../../examples/tmpfs-huge.fl', import.meta.url).pathname;
/** i_size past 2^53: the event's arg and the operation's size must cross PostgreSQL exactly. */
const WIDE = 'mount tmpfs huge=always\npwrite 0 2m\ntruncate 9007199254740993\nfpunch\t4k 8k # a tab, and a \\ backslash\nseek\t-d 0\n';

/** Every row of run `id` of SQLite file `path`, per table, without the columns that name the run. */
function runRows(path: string, id: number): Record<string, unknown[][]> {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    db.defaultSafeIntegers(true);
    const out: Record<string, unknown[][]> = {};
    const run = db.prepare('select * from runs where id = ?').get(id) as Record<string, unknown>;
    const { id: _id, origin: _origin, ...kept } = run;
    out.runs = [Object.values(kept)];
    for (const t of RUN_TABLES) {
      const cols = (db.prepare(`select name from pragma_table_info('${t.name}') order by cid`).pluck().all() as string[]).filter((c) => c !== 'run_id');
      out[t.name] = db.prepare(`select ${cols.map((c) => `"${c}"`).join(', ')} from ${t.name} where run_id = ? order by ${t.key.join(', ')}`)
        .raw(true).all(id) as unknown[][];
    }
    return out;
  } finally {
    db.close();
  }
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

describe('foliolog push between SQLite stores', () => {
  it('copies a run with every row and its event hash, and says so on stderr', async () => {
    const [a, b] = [tmp.file('a.db'), tmp.file('b.db')];
    expect((await cli('run', EXAMPLE, '--db', a)).code).toBe(0);
    expect((await cli('run', tmp.file('wide.fl', WIDE), '--db', a)).code).toBe(0);
    const r = await cli('push', '1', '2', '--db', a, '--to', b, '--json');
    expect(r).toMatchObject({ code: 0, stderr: 'pushed run 1 → 1\npushed run 2 → 2\n' });
    expect(JSON.parse(r.stdout)).toEqual([{ from: 1, to: 1, events: 2929 }, expect.objectContaining({ from: 2, to: 2 })]);
    expect(runRows(b, 1)).toEqual(runRows(a, 1));
    expect(runRows(b, 2)).toEqual(runRows(a, 2));
  });

  it('refuses a run the target holds already, naming it, and copies nothing (exit 2)', async () => {
    const [a, b] = [tmp.file('a.db'), tmp.file('b.db')];
    await cli('run', EXAMPLE, '--db', a);
    await cli('run', EXAMPLE, '--db', a);
    expect((await cli('push', '1', '--db', a, '--to', b)).code).toBe(0);
    const again = await cli('push', '2', '1', '--db', a, '--to', b);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`foliolog: run 1 is already in ${b} as run 1: nothing pushed\n`);
    const back = await cli('push', '1', '--db', b, '--to', a);
    expect(back.stderr).toBe(`foliolog: run 1 is already in ${a} as run 1: nothing pushed\n`);
    expect(JSON.parse((await cli('runs', '--db', b, '--json')).stdout)).toHaveLength(1);
  });

  it('refuses an incomplete run and an unknown one (exit 2)', async () => {
    const [a, b] = [tmp.file('a.db'), tmp.file('b.db')];
    await cli('run', EXAMPLE, '--db', a);
    const db = new BetterSqlite3(a);
    db.prepare("update runs set status = 'incomplete' where id = 1").run();
    db.close();
    const r = await cli('push', '1', '--db', a, '--to', b);
    expect(r).toMatchObject({ code: 2, stderr: `foliolog: run 1 of ${a} is incomplete (its writer stopped before finishing): nothing pushed\n` });
    expect((await cli('push', '7', '--db', a, '--to', b))).toMatchObject({ code: 2, stderr: 'foliolog: no run 7\n' });
  });
});

describe('FOLIOLOG_DB', () => {
  it('is the default --db of the installed command, and --db wins over it', async () => {
    const [a, b] = [tmp.file('a.db'), tmp.file('b.db')];
    await cli('run', EXAMPLE, '--db', a);
    const env = { ...process.env, FOLIOLOG_DB: a };
    const listed = execFileSync(process.execPath, [BIN, 'runs', '--json'], { env, cwd: tmp.dir }).toString();
    expect(JSON.parse(listed)).toEqual([expect.objectContaining({ id: 1, events: 2929 })]);
    expect(() => execFileSync(process.execPath, [BIN, 'runs', '--db', b], { env, cwd: tmp.dir, stdio: 'pipe' }))
      .toThrow(`foliolog: ${b}: no foliolog store here (run or kernel creates one)`);
  });
});

describe.skipIf(PG_SKIP !== undefined)('foliolog push and runs with PostgreSQL', () => {
  const cluster = usePostgres();

  it('pushes SQLite → PostgreSQL → SQLite keeping every row and the event hash', async () => {
    const [a, c] = [tmp.file('a.db'), tmp.file('c.db')];
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', a);
    await cli('run', tmp.file('wide.fl', WIDE), '--db', a);
    expect(await cli('push', '1', '2', '--db', a, '--to', url)).toMatchObject({ code: 0, stderr: 'pushed run 1 → 1\npushed run 2 → 2\n' });
    expect(await cli('push', '2', '1', '--db', url, '--to', c)).toMatchObject({ code: 0, stderr: 'pushed run 2 → 1\npushed run 1 → 2\n' });
    expect(runRows(c, 2)).toEqual(runRows(a, 1));
    expect(runRows(c, 1)).toEqual(runRows(a, 2));
    // The copy of a copy is still the same run: a third store knows it came from a.
    const origins = new BetterSqlite3(c, { readonly: true }).prepare('select origin from runs order by id').pluck().all() as string[];
    const aId = new BetterSqlite3(a, { readonly: true }).prepare("select value from store_meta where key = 'id'").pluck().get() as string;
    expect(origins).toEqual([`${aId}/2`, `${aId}/1`]);
    expect((await cli('push', '1', '--db', a, '--to', c)).stderr).toBe(`foliolog: run 1 is already in ${c} as run 2: nothing pushed\n`);
  });

  it("gives a pushed run the same rows in every view on PostgreSQL as on SQLite", async () => {
    const a = tmp.file('a.db');
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', a);
    await cli('push', '1', '--db', a, '--to', url);
    const lite = new BetterSqlite3(a, { readonly: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const views = lite.prepare("select name from sqlite_master where type = 'view' order by name").pluck().all() as string[];
      expect(views).toHaveLength(7);
      // As text, in any order (a view has none): SQLite's integers and PostgreSQL's bigints alike.
      const rows = (all: unknown[][]): string[] => all.map((r) => JSON.stringify(r.map((v) => (v === null ? null : String(v))))).sort();
      for (const view of views) {
        const onSqlite = rows(lite.prepare(`select * from ${view} where run_id = 1`).raw(true).all() as unknown[][]);
        const onPg = rows((await client.query<unknown[]>({ text: `select * from ${view} where run_id = 1`, rowMode: 'array' })).rows);
        expect(onPg, view).toEqual(onSqlite);
        expect(onSqlite.length, view).toBeGreaterThan(0);
      }
    } finally {
      lite.close();
      await client.end();
    }
  });

  it('refuses to push a run twice to PostgreSQL (exit 2, one line)', async () => {
    const a = tmp.file('a.db');
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', a);
    expect((await cli('push', '1', '--db', a, '--to', url)).code).toBe(0);
    expect(await cli('push', '1', '--db', a, '--to', url)).toEqual({ code: 2, stdout: '', stderr: `foliolog: run 1 is already in ${url} as run 1: nothing pushed\n` });
  });

  it('lists the pushed runs of a PostgreSQL store as it lists a SQLite one', async () => {
    const a = tmp.file('a.db');
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', a);
    await cli('run', tmp.file('wide.fl', WIDE), '--db', a);
    await cli('push', '1', '2', '--db', a, '--to', url);
    for (const json of [[], ['--json']]) {
      const [onPg, onSqlite] = [await cli('runs', '--db', url, ...json), await cli('runs', '--db', a, ...json)];
      expect(onPg).toEqual(onSqlite);
    }
  });

  it('reads the store from FOLIOLOG_DB, and --db wins over it', async () => {
    const a = tmp.file('a.db');
    const url = await cluster.database();
    await cliWith({ FOLIOLOG_DB: a }, 'run', EXAMPLE);
    expect((await cliWith({ FOLIOLOG_DB: a }, 'push', '1', '--to', url)).stderr).toBe('pushed run 1 → 1\n');
    const listed = await cliWith({ FOLIOLOG_DB: url }, 'runs', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: 1, script: EXAMPLE, events: 2929 })]);
    const other = tmp.file('other.db');
    await cli('run', EXAMPLE, '--db', other);
    await cli('run', EXAMPLE, '--db', other);
    expect(JSON.parse((await cliWith({ FOLIOLOG_DB: url }, 'runs', '--db', other, '--json')).stdout)).toHaveLength(2);
  });

  it('refuses the commands that do not work on PostgreSQL yet with one line, exit 2', async () => {
    const url = await cluster.database();
    const script = tmp.file('s.fl', 'mount tmpfs\npwrite 0 4k\n');
    for (const argv of [['run', script], ['at', '1', '0'], ['history', '1', '--pgoff', '0'], ['diff', '1', '2'], ['query', 'select 1'],
      ['explain', '1', '@0'], ['report', '1'], ['compare', script, '--policies', 'linux-6.18'],
      ['shrink', script], ['export', '1', '--perfetto', tmp.file('t.json')]]) {
      const line = `foliolog: ${argv[0]} does not work on a PostgreSQL store yet (${url}): only runs, push, fuzz, worker and campaign do\n`;
      expect(await cli(...argv, '--db', url), argv.join(' ')).toEqual({ code: 2, stdout: '', stderr: line });
      expect(await cliWith({ FOLIOLOG_DB: url }, ...argv), argv.join(' ')).toEqual({ code: 2, stdout: '', stderr: line });
    }
    // The store layer refuses too, for callers other than the CLI.
    await expect(openStore(url, 'existing')).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    const del = await cli('runs', '--db', url, '--delete', '1');
    expect(del.code).toBe(2);
  });
});
