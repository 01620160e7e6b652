import { spawn, spawnSync } from 'node:child_process';
import { existsSync, truncateSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run the tests with npm test, which builds first`);
  t = tempDir();
});
afterEach(() => t.cleanup());

/** A script long enough to be caught mid-run: half a million order-0 folios. */
const LONG = 'mount tmpfs huge=never\npwrite 0 2g\n';

function statuses(db: string): Array<{ id: number; status: string; events: number }> {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  conn.pragma('busy_timeout = 10000');
  try {
    return conn.prepare('select id, status, events from runs order by id').all() as never;
  } finally {
    conn.close();
  }
}

function eventCount(db: string, run: number): number {
  if (!existsSync(db)) return 0;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare('select count(*) as n from events where run_id = ?').get(run) as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // not created yet
  }
}

describe('foliolog run as a process', () => {
  it('leaves a killed run incomplete, listed by runs, earlier runs untouched', async () => {
    const db = t.file('s.db');
    const short = t.file('short.fl', 'mount tmpfs huge=always\npwrite 0 4k\n');
    expect(spawnSync(process.execPath, [BIN, 'run', short, '--db', db]).status).toBe(0);
    const child = spawn(process.execPath, [BIN, 'run', t.file('long.fl', LONG), '--db', db], { stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    // Kill it once its first batch of events is in the store.
    for (let k = 0; k < 600 && eventCount(db, 2) === 0; k++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited;
    const runs = statuses(db);
    expect(runs.map((r) => r.status)).toEqual(['complete', 'incomplete']);
    const listed = spawnSync(process.execPath, [BIN, 'runs', '--db', db, '--json'], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ status: string }>).map((r) => r.status)).toEqual(['complete', 'incomplete']);
    const deleted = spawnSync(process.execPath, [BIN, 'runs', '--delete', '2', '--db', db, '--json'], { encoding: 'utf8' });
    expect(deleted.status).toBe(0);
    expect(deleted.stderr).toMatch(/^deleted run 2 \(\d+ events, incomplete\)\n$/);
    expect((JSON.parse(deleted.stdout) as Array<{ id: number }>).map((r) => r.id)).toEqual([1]);
    expect(eventCount(db, 2)).toBe(0);
  });

  it('exits 2 with one line, no stack trace, for a damaged store', () => {
    const db = t.file('s.db');
    expect(spawnSync(process.execPath, [BIN, 'run', t.file('short.fl', 'mount tmpfs\npwrite 0 1m\n'), '--db', db]).status).toBe(0);
    truncateSync(db, 4096);
    const r = spawnSync(process.execPath, [BIN, 'runs', '--db', db], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`foliolog: ${db} is damaged: database disk image is malformed (SQLITE_CORRUPT)\n`);
  });

  it('lets two processes record runs into one store at the same time', async () => {
    const db = t.file('s.db');
    const script = t.file('mid.fl', 'mount tmpfs huge=never\npwrite 0 160m\ntruncate 0\n');
    const launch = (): Promise<number | null> => new Promise((res) => {
      const c = spawn(process.execPath, [BIN, 'run', script, '--db', db], { stdio: 'ignore' });
      c.on('exit', (code) => res(code));
    });
    expect(await Promise.all([launch(), launch()])).toEqual([0, 0]);
    const runs = statuses(db);
    expect(runs.map((r) => r.status)).toEqual(['complete', 'complete']);
    expect(runs[0]!.events).toBe(runs[1]!.events);
    expect(runs[0]!.events).toBeGreaterThan(100_000);
  });
});
