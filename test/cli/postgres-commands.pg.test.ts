import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PG_SKIP, usePostgres } from '../store/_pg.js';
import { BIN, type CliResult, cli, tempDir } from './_cli.js';

/*
 * Every command on a PostgreSQL store answers as it answers on a SQLite file: the same
 * commands, in the same order, on one store of each kind, print the same bytes (the store's
 * name aside), and runs recorded on each have the same event-log hashes.
 */

if (PG_SKIP !== undefined) console.warn(PG_SKIP);

const EXAMPLE = new URL('../../examples/tmpfs-huge.fl', import.meta.url).pathname;
const RACE = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\n[A] fpunch 0 2m\n[B] mwrite 0 8k\n[B] mread 0 2m\n';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

describe.skipIf(PG_SKIP !== undefined)('every command on a PostgreSQL store', () => {
  const cluster = usePostgres();

  it('prints what it prints on SQLite, and records the same event-log hashes', async () => {
    const url = await cluster.database();
    const file = tmp.file('s.db');
    const race = tmp.file('race.fl', RACE);
    const both = async (...argv: string[]): Promise<[CliResult, CliResult]> => {
      const onPg = await cli(...argv, '--db', url);
      const onSqlite = await cli(...argv, '--db', file);
      const named = (r: CliResult): CliResult => ({ ...r, stdout: r.stdout.replaceAll(url, 'STORE'), stderr: r.stderr.replaceAll(url, 'STORE') });
      expect(named(onPg), argv.join(' ')).toEqual({ ...onSqlite, stdout: onSqlite.stdout.replaceAll(file, 'STORE'), stderr: onSqlite.stderr.replaceAll(file, 'STORE') });
      return [onPg, onSqlite];
    };
    expect((await both('run', EXAMPLE, '--json'))[0].code).toBe(0);
    await both('run', race, '--seed', '3');
    await both('run', EXAMPLE, '--policy', 'per-block', '--metrics');
    const hashes = async (db: string): Promise<string[]> =>
      (await cli('query', 'select event_hash from runs order by id', '--db', db)).stdout.trim().split('\n').slice(1);
    expect(await hashes(url)).toEqual(await hashes(file));
    expect(await hashes(url)).toHaveLength(3);
    await both('at', '1', '@20', '--json');
    await both('at', '1', '700');
    await both('history', '1', '--pgoff', '0', '--json');
    await both('history', '2', '--folio', '1');
    await both('explain', '1', '@22');
    await both('diff', '1', '3', '--all', '--json');
    await both('diff', '1', '2');
    await both('query', 'select i, op, resident, folios_by_order from op_summary where run_id = 1 order by i');
    await both('query', 'select count(*) as n, sum(arg) as total from events where run_id = 2');
    await both('compare', EXAMPLE, '--policies', 'linux-6.18,per-block,zeropage-scan', '--json');
    await both('fuzz', '--seeds', '1..40', '--bug', 'fault-during-punch', '--out', tmp.dir, '--json');
    // Pages and traces: the same bytes.
    for (const [db, name] of [[url, 'pg'], [file, 'sqlite']] as const) {
      expect((await cli('report', '1', '--db', db, '--out', tmp.file(`${name}.html`))).code).toBe(0);
      expect((await cli('export', '1', '--perfetto', tmp.file(`${name}.json`), '--db', db)).code).toBe(0);
    }
    expect(readFileSync(tmp.file('pg.html'))).toEqual(readFileSync(tmp.file('sqlite.html')));
    expect(readFileSync(tmp.file('pg.json'))).toEqual(readFileSync(tmp.file('sqlite.json')));
    await both('runs', '--delete', '2', '--json');
    expect(await hashes(url)).toEqual(await hashes(file));
  });

  it('refuses a writing statement in query, one line, exit 2, and changes nothing', async () => {
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', url);
    for (const text of ['delete from runs', 'with d as (delete from events returning seq) select count(*) from d',
      "select setval('runs_id_seq', 100)", 'select 1; delete from runs']) {
      const r = await cli('query', text, '--db', url);
      expect(r.code, text).toBe(2);
      expect(r.stderr, text).toMatch(/^foliolog: query: [^\n]+\n$/);
    }
    const left = await cli('query', 'select count(*) as n from events', '--db', url);
    expect(left.stdout).toBe('n\n2929\n');
  });

  it('diffs a run of a SQLite file against one of a PostgreSQL store as it diffs two runs of one store', async () => {
    const url = await cluster.database();
    const file = tmp.file('s.db');
    const race = tmp.file('race.fl', RACE);
    await cli('run', EXAMPLE, '--db', file);
    await cli('run', race, '--db', file);
    await cli('run', EXAMPLE, '--db', url);
    await cli('run', race, '--db', url);
    const within = await cli('diff', '1', '2', '--all', '--json', '--db', file);
    expect(within.code).toBe(1);
    expect(await cli('diff', '1', `${url}#2`, '--all', '--json', '--db', file)).toEqual(within);
    expect(await cli('diff', `${file}#1`, '1', '--db', url)).toMatchObject({ code: 0, stdout: expect.stringContaining('equal: all 35 operations agree') });
    expect(await cli('diff', '1', `${url}#9`, '--db', file)).toEqual({ code: 2, stdout: '', stderr: 'foliolog: no run 9\n' });
  });

  it('ends the installed command cleanly: every connection closed, nothing left to wait for or abort', async () => {
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', url);
    // query opens the pool but never queries through Kysely: the pool must be ended all the same
    // (else its idle client holds the process 10 s); export leaves libpq's connection for the GC.
    for (const argv of [['query', 'select count(*) as n from events'], ['export', '1', '--perfetto', tmp.file('t.json')], ['at', '1', '@3']]) {
      const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', BIN, ...argv, '--db', url], { encoding: 'utf8', timeout: 8_000 });
      expect([r.status, r.signal, r.stderr], argv.join(' ')).toEqual([0, null, '']);
    }
  });

  it('deletes runs and vacuums the database', async () => {
    const url = await cluster.database();
    await cli('run', EXAMPLE, '--db', url);
    await cli('run', EXAMPLE, '--db', url);
    const r = await cli('runs', '--delete', '1', '--vacuum', '--json', '--db', url);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^deleted run 1 \\(2929 events\\)\\nvacuumed ${url.replace(/[?/]/g, '\\$&')}: \\d+ -> \\d+ bytes\\n$`));
    expect((JSON.parse(r.stdout) as Array<{ id: number }>).map((x) => x.id)).toEqual([2]);
    expect((await cli('query', 'select count(*) as n from events where run_id = 1', '--db', url)).stdout).toBe('n\n0\n');
  });
});
