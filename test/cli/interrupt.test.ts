import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { BIN, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run the tests with npm test, which builds first`);
  t = tempDir();
});
afterEach(() => t.cleanup());

/** 200,001 cheap commands over a 64 KiB file: a few seconds of work, caught long before its end. */
const LONG = ['mount tmpfs huge=never', ...Array.from({ length: 200_000 }, (_, k) =>
  `${k % 2 === 0 ? 'pwrite' : 'fpunch'} ${((k * 7) % 16) * 4}k 4k`)].join('\n');
const LONG_OPS = 200_001;

interface Stopped {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Spawn `foliolog run LONG`, wait for its `run N` line, send it `signals` in turn, and wait for its end. */
async function interruptRun(db: string, signals: readonly NodeJS.Signals[]): Promise<Stopped> {
  const child = spawn(process.execPath, [BIN, 'run', t.file('long.fl', LONG), '--db', db, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ended = new Promise<Stopped>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  const started = new Promise<boolean>((resolve) => child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (/^run \d+\n/.test(stderr)) resolve(true);
  }));
  if (await Promise.race([started, ended.then(() => false)])) for (const s of signals) child.kill(s);
  return ended;
}

function read<T>(db: string, sql: string): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).all() as T[];
  } finally {
    conn.close();
  }
}

/** The run row, and what its operations and events rows hold. */
function recorded(db: string): { run: { status: string; ops: number; events: number; event_hash: string | null }; is: number[]; events: number } {
  const [run] = read<{ status: string; ops: number; events: number; event_hash: string | null }>(db, 'select status, ops, events, event_hash from runs');
  const is = read<{ i: number }>(db, 'select i from operations where run_id = 1 order by i').map((r) => r.i);
  const [{ n }] = read<{ n: number }>(db, 'select count(*) as n from events where run_id = 1') as [{ n: number }];
  return { run: run!, is, events: n };
}

describe('foliolog run interrupted by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stops at a command boundary on %s, exits %i and leaves the run incomplete with every command it ran', async (sig, status) => {
    const db = t.file('s.db');
    const r = await interruptRun(db, [sig]);
    expect(r).toMatchObject({ code: status, signal: null });
    const m = /^run 1\ninterrupted: run 1 left incomplete after (\d+) commands\n$/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const ops = Number(m![1]);
    expect(ops).toBeGreaterThan(0);
    expect(ops).toBeLessThan(LONG_OPS);
    const { run, is, events } = recorded(db);
    expect(run).toMatchObject({ status: 'incomplete', ops, event_hash: null });
    expect(is).toEqual(Array.from({ length: ops }, (_, i) => i));
    expect(events).toBe(run.events);
    const listed = spawn(process.execPath, [BIN, 'runs', '--db', db, '--json']);
    let out = '';
    listed.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    expect(await new Promise((resolve) => listed.on('close', resolve))).toBe(0);
    expect(JSON.parse(out)).toMatchObject([{ id: 1, status: 'incomplete', ops }]);
  });

  // Signals sent back to back reach Node's threads in no fixed order, so either may be the one
  // handled first; what must hold is that the later ones neither kill the process nor change
  // what the first one decided (the status matches the interrupted line and the stored run).
  it('stops cleanly, with one status, when several signals arrive at once', async () => {
    const db = t.file('s.db');
    const r = await interruptRun(db, ['SIGINT', 'SIGTERM', 'SIGINT']);
    expect(r.signal).toBeNull();
    expect([130, 143]).toContain(r.code);
    const ops = Number(/interrupted: run 1 left incomplete after (\d+) commands\n$/.exec(r.stderr)?.[1]);
    const { run, is } = recorded(db);
    expect(run).toMatchObject({ status: 'incomplete', ops });
    expect(is).toHaveLength(ops);
  });
});

describe('foliolog run N', () => {
  it('is printed on stderr once the run exists, before the first command\'s output', async () => {
    const out: string[] = [];
    const code = await main(['run', t.file('w.fl', 'mount tmpfs huge=always\npwrite 0 4k\n'), '--db', t.file('s.db'), '--json'], {
      stdout: { write: (s) => void out.push(`out ${s}`) },
      stderr: { write: (s) => void out.push(`err ${s}`) },
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    expect(code).toBe(0);
    expect(out[0]).toBe('err run 1\n');
    expect(out[1]).toMatch(/^out \{"i":0,/);
    expect(out.at(-1)).toMatch(/^err run 1: complete, 2 ops, /);
  });

  it('leaves no SIGINT or SIGTERM handler behind when called in-process', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const r = await main(['run', t.file('w.fl', 'mount tmpfs\npwrite 0 4k\n'), '--db', t.file('s.db')], {
      stdout: { write: () => {} }, stderr: { write: () => {} }, now: () => new Date(),
    });
    expect(r).toBe(0);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});
