import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

function runs(db: string): Array<{ id: number; status: string; bugs: string; script_name: string; schedule: string | null }> {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('select id, status, bugs, script_name, schedule from runs order by id').all() as never;
  } finally {
    conn.close();
  }
}

describe('foliolog fuzz', () => {
  it('finds a bug switch, writes a shrunk reproducer and records it as a failed run that `run` reproduces', async () => {
    const db = t.file('s.db');
    const out = join(t.dir, 'out');
    const r = await cli('fuzz', '--bug', 'punch-no-zero', '--seeds', '1..300', '--db', db, '--out', out, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { seeds: number; ops: number; failure: Record<string, unknown> };
    expect(Object.keys(j)).toEqual(['seeds', 'ops', 'failure']);
    const f = j.failure;
    expect(f.check).toBe('byte-model');
    expect(f.script).toBe(join(out, `repro-punch-no-zero-${String(f.seed)}.fl`));
    expect(j.seeds).toBe(Number(f.seed));
    expect(f.after as number).toBeLessThanOrEqual(10);
    expect(f.after as number).toBeLessThanOrEqual(f.before as number);
    expect(existsSync(f.script as string)).toBe(true);
    const flags = f.schedule === null ? [] : ['--schedule', f.schedule as string];
    expect(f.command).toBe(['foliolog run', f.script, '--bug punch-no-zero', ...flags].join(' '));
    // The recorded run is the reproducer's, failed; a fresh `run` of the printed command fails the same way.
    expect(runs(db)).toMatchObject([{ id: f.run, status: 'failed', bugs: '["punch-no-zero"]', script_name: f.script }]);
    const again = await cli('run', f.script as string, '--bug', 'punch-no-zero', ...flags, '--db', db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(f.message as string);
    // Without the bug the reproducer passes.
    expect((await cli('run', f.script as string, ...flags, '--db', db)).code).toBe(0);
  });

  it('says where the reproducer went and how to run it, in words', async () => {
    const r = await cli('fuzz', '--bug', 'fault-size-hint', '--seeds', '1..50', '--db', t.file('s.db'), '--out', t.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fuzz: \d+ seeds, \d+ operations: seed \d+ failed check new-folio-order$/m);
    expect(r.stdout).toMatch(/^reproduce: foliolog run \S+repro-fault-size-hint-\d+\.fl --bug fault-size-hint/m);
  });

  it('fuzzes under a what-if policy and puts it in the reproducer\'s command and run', async () => {
    const db = t.file('s.db');
    const r = await cli('fuzz', '--bug', 'punch-no-zero', '--policy', 'per-block', '--seeds', '1..300', '--db', db, '--out', t.dir, '--json');
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as { failure: { command: string; run: number } }).failure;
    expect(f.command).toMatch(/ --bug punch-no-zero --policy per-block( |$)/);
    expect(runs(db)).toMatchObject([{ id: f.run, status: 'failed' }]);
    const conn = new Database(db, { readonly: true });
    expect(conn.prepare('select policy from runs').all()).toEqual([{ policy: 'per-block' }]);
    conn.close();
  });

  it('exits 0 with no failure when nothing is switched on, recording nothing', async () => {
    const db = t.file('s.db');
    const r = await cli('fuzz', '--seeds', '1..30', '--ops', '15', '--db', db, '--out', t.dir, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ seeds: 30, ops: 450, failure: null });
    expect(existsSync(db) ? runs(db) : []).toEqual([]);
  });

  it.each([
    [['--seeds', '5..1'], /--seeds: not a range/],
    [['--seeds', 'x'], /--seeds: not a range/],
    [['--ops', '0'], /--ops: not an integer in 1\.\.100000/],
    [['--tasks', '27'], /--tasks: not an integer in 1\.\.26/],
    [['--bug', 'nope'], /--bug: unknown bug nope/],
    [['--policy', 'per-page'], /--policy: unknown policy/],
  ])('refuses %j with one line and exit 2', async (args, msg) => {
    const r = await cli('fuzz', ...args, '--db', t.file('s.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('foliolog shrink', () => {
  it('minimises a failing script with tasks and writes NAME.shrunk.fl that still fails the same check', async () => {
    const script = t.file('big.fl', [
      'mount tmpfs huge=always', 'pwrite 0 4m', 'mmap', 'pin 2m 4k',
      '[A] pread 0 64k', '[B] pwrite -S 7 1m 8k', '[A] seek -d 0', '[A] fpunch 2m 64k',
      '[B] pwrite -S 9 3m 16k', '[A] pread 2m 64k', '[B] falloc 0 1m', '',
    ].join('\n'));
    const r = await cli('shrink', script, '--bug', 'punch-no-zero', '--out', t.dir, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ check: 'byte-model', op: 'pread', before: 10, after: 5, script: join(t.dir, 'big.shrunk.fl'), schedule: null });
    const text = readFileSync(join(t.dir, 'big.shrunk.fl'), 'utf8');
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual(
      ['mount tmpfs huge=always', 'pwrite 0 4m', 'mmap', 'pin 2m 4k', 'fpunch 2m 64k', 'pread 2m 64k'].map((l) => expect.stringMatching(new RegExp(`^${l.split(' ')[0]}`))));
    const again = await cli('run', join(t.dir, 'big.shrunk.fl'), '--bug', 'punch-no-zero', '--db', t.file('s.db'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('check byte-model failed');
  });

  it('exits 0 for a script that does not fail, and 2 for one it cannot read', async () => {
    const ok = await cli('shrink', t.file('ok.fl', 'mount tmpfs\npwrite 0 4k\n'), '--out', t.dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('does not fail');
    const bad = await cli('shrink', t.file('bad.fl', 'mount tmpfs\npwrite 0\n'), '--out', t.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.fl:2: /);
  });
});
