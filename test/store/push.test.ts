import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_TABLES, openStore } from '../../src/store/index.js';
import { cli } from '../cli/_cli.js';
import { tempDir } from './_helpers.js';

const EXAMPLE = new URL('../../examples/tmpfs-huge.fl', import.meta.url).pathname;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

describe('pushRuns', () => {
  it('copies every table that holds rows of a run (RUN_TABLES lists each one with a run_id)', async () => {
    const store = await openStore(':memory:', 'create');
    const withRunId = [...store.query(`select m.name from sqlite_master m join pragma_table_info(m.name) c
      where m.type = 'table' and c.name = 'run_id' order by m.name`).rows].map(([name]) => String(name));
    await store.close();
    expect(RUN_TABLES.map((t) => t.name).sort()).toEqual(withRunId);
  });

  it('refuses a run whose events no longer hash to what its store recorded, and copies nothing', async () => {
    const [a, b] = [tmp.file('a.db'), tmp.file('b.db')];
    await cli('run', EXAMPLE, '--db', a);
    const db = new BetterSqlite3(a);
    const recorded = db.prepare('select event_hash from runs where id = 1').pluck().get() as string;
    db.prepare('update events set arg = 7 where run_id = 1 and seq = 3').run();
    db.close();
    const r = await cli('push', '1', '--db', a, '--to', b);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^foliolog: ${a} is damaged: the events of run 1 hash to [0-9a-f]{64}, not the ${recorded} it recorded: not pushed\\n$`));
    expect(JSON.parse((await cli('runs', '--db', b, '--json')).stdout)).toEqual([]);
  });

  it('gives every store an identity of its own, kept across opens', async () => {
    const [a, b] = [tmp.file('a.db'), tmp.file('b.db')];
    const id = async (path: string): Promise<string> => {
      const store = await openStore(path, 'create');
      const row = await store.db.selectFrom('store_meta').select('value').where('key', '=', 'id').executeTakeFirstOrThrow();
      await store.close();
      return row.value;
    };
    const first = await id(a);
    expect(await id(a)).toBe(first);
    expect(await id(b)).not.toBe(first);
  });
});
