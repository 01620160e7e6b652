import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAGE_SIZE, Shmem, UnsupportedError } from '../../src/model/index.js';
import { cli, fileHash, jsonLines, tempDir } from './_cli.js';
import { main } from '../../src/cli/index.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => { vi.restoreAllMocks(); t.cleanup(); });

function runsOf(db: string): Array<{ id: number; status: string; events: number; event_hash: string | null; failure: string | null }> {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('select id, status, events, event_hash, failure from runs order by id').all() as never;
  } finally {
    conn.close();
  }
}

describe('foliolog run', () => {
  it('prints one §2 JSON object per command line and records a complete run', async () => {
    const script = t.file('w.fl', 'mount tmpfs huge=always   # PMD first\n\npwrite 0 4k\nseek -h 0\n');
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      '{"i":0,"line":1,"op":"mount tmpfs huge=always","ret":0,"folios":[],"stats":{},"size":0,"blocks":0}',
      '{"i":1,"line":3,"op":"pwrite 0 4k","ret":4096,"folios":[[0,9,1]],"stats":{"2048kB":{"shmem_alloc":1}},"size":4096,"blocks":4096}',
      '{"i":2,"line":4,"op":"seek -h 0","ret":4096,"folios":[[0,9,1]],"stats":{},"size":4096,"blocks":4096}',
      '',
    ].join('\n'));
    expect(r.stderr).toMatch(/^run 1\nrun 1: complete, 3 ops, \d+ events, event-log sha256 [0-9a-f]{64}\n$/);
    expect(runsOf(db)).toMatchObject([{ id: 1, status: 'complete' }]);
  });

  it('prints a readable table without --json', async () => {
    const r = await cli('run', t.file('w.fl', 'mount tmpfs huge=within_size\npwrite 0 60k\n'), '--db', t.file('s.db'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0:3 8:2 12:1 14:0');
    expect(r.stdout).toContain('32kB.shmem_alloc+1');
  });

  it("prints a task's rows with their [A] prefix in the table, and none in --json's op", async () => {
    const script = t.file('race.fl', 'mount tmpfs\n[A] pwrite 0 4k\n[B] pwrite 4k 4k\n');
    const r = await cli('run', script, '--db', t.file('s.db'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 {2}2 {5}\[A\] pwrite 0 4k /m);
    expect(r.stdout).toMatch(/^2 {2}3 {5}\[B\] pwrite 4k 4k /m);
    const j = await cli('run', script, '--db', t.file('s.db'), '--json');
    expect(jsonLines(j.stdout).filter((o) => 'task' in o).map((o) => [o.task, o.op]).sort()).toEqual([['A', 'pwrite 0 4k'], ['B', 'pwrite 4k 4k']]);
  });

  it('shows the first 24 runs of a large page cache in a table row and counts its folios', async () => {
    // 30 holes in 1 MiB of order-0 folios: 31 runs of pages, 226 folios.
    const punches = Array.from({ length: 30 }, (_, k) => `fpunch ${(8 * k + 4) * PAGE_SIZE} 4k`).join('\n');
    const r = await cli('run', t.file('w.fl', `mount tmpfs huge=never\npwrite 0 1m\n${punches}\n`), '--db', t.file('s.db'));
    expect(r.code).toBe(0);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/ 0-3:0 5-11:0 13-19:0 .* 181-187:0 … \(226 folios\)$/);
  });

  it('streams the table: the header before the first command, then one row per command as it finishes', async () => {
    const writes: string[] = [];
    const code = await main(['run', t.file('w.fl', 'mount tmpfs huge=always\npwrite 0 2m\nfpunch 1m 64k\n'), '--db', t.file('s.db')], {
      stdout: { write: (s) => void writes.push(s) }, stderr: { write: () => {} }, now: () => new Date(),
    });
    expect(code).toBe(0);
    expect(writes).toEqual([
      'i  line  op                       ret         size        blocks    stats                         folios\n',
      '0  1     mount tmpfs huge=always  0           0           0                                       (empty)\n',
      '1  2     pwrite 0 2m              2097152     2097152     4096      2048kB.shmem_alloc+1          0:9\n',
      '2  3     fpunch 1m 64k            0           2097152     3968      2048kB.split+1 64kB.split+1   0:8 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7\n',
    ]);
  });

  it('gives the same event-log hash to two runs of the same script, and different run ids', async () => {
    const script = t.file('w.fl', 'mount tmpfs huge=within_size\npwrite 0 3m\ntruncate 2m\nopen g\npwrite 4k 64k\n');
    const db = t.file('s.db');
    const a = await cli('run', script, '--db', db, '--json');
    const b = await cli('run', script, '--db', db, '--json');
    expect(a.stdout).toBe(b.stdout);
    const [r1, r2] = runsOf(db);
    expect(r1!.id).not.toBe(r2!.id);
    expect(r1!.event_hash).toBe(r2!.event_hash);
    expect(r1!.events).toBeGreaterThan(0);
  });

  it('records one files row per memfd the script made, and operations on a switched-back memfd name it', async () => {
    const script = t.file('m.fl', 'mount memfd\npwrite 0 4k\nopen g\nopen f\npwrite 4k 4k\n');
    const db = t.file('s.db');
    expect((await cli('run', script, '--db', db, '--json')).code).toBe(0);
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare('select id, name, mount, kind from files order by id').all())
        .toEqual([{ id: 1, name: 'f', mount: 1, kind: 'memfd' }, { id: 2, name: 'g', mount: 1, kind: 'memfd' }]);
      expect(conn.prepare('select file from operations order by i').pluck().all()).toEqual([1, 1, 2, 1, 1]);
      expect(conn.prepare('select count(*) from folios where file = 1').pluck().get()).toBe(2);
    } finally {
      conn.close();
    }
  });

  it('reports a script error as FILE:LINE with exit 2 and records nothing', async () => {
    const script = t.file('bad.fl', 'mount tmpfs\npwrite 0 4k\npwrite 0 0x\n');
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`foliolog: ${script}:3: malformed number '0x'\n`);
    expect(fileHash(db)).toBe('missing');
  });

  it.each([
    ['a name that leaves the mount', 'open ../../etc/x'],
    ['a path of two components', 'open a/b'],
    ['a zero -b BSIZE', 'pwrite -b 0 0 4k'],
  ])('refuses %s as a script error with exit 2, recording nothing', async (_what, line) => {
    const script = t.file('bad.fl', `mount tmpfs\n${line}\n`);
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^foliolog: ${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: .+\n$`));
    expect(fileHash(db)).toBe('missing');
  });

  it('says in --help that pwrite makes one call where xfs_io makes -b 4096 calls', async () => {
    for (const cmd of ['run', 'kernel']) {
      const r = await cli(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('pwrite and pread issue ONE call of LEN bytes');
      expect(r.stdout).toContain('"pwrite -b 4k 0 60k"');
    }
  });

  it('records the schedule of a run with tasks; the same seed, or that schedule, gives the same event log', async () => {
    const script = t.file('race.fl', 'mount tmpfs huge=always\npwrite 0 2m\nmmap\n[A] fpunch 0 2m\n[B] mwrite 0 8k\n[B] mread 0 2m\n');
    const db = t.file('s.db');
    for (const seed of ['2', '2', '5']) {
      const r = await cli('run', script, '--db', db, '--seed', seed, '--json');
      expect(r.code).toBe(0);
      expect(jsonLines(r.stdout).filter((o) => 'task' in o).map((o) => o.i).sort()).toEqual([3, 4, 5]);
    }
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare('select seed, schedule, event_hash from runs order by id').all() as Array<{ seed: number; schedule: string; event_hash: string }>;
    conn.close();
    expect(rows[0]!.schedule).toMatch(/^([AB]\n)+$/);
    expect(rows[1]!.event_hash).toBe(rows[0]!.event_hash);
    expect(rows[1]!.schedule).toBe(rows[0]!.schedule);
    const file = t.file('race.schedule', rows[2]!.schedule);
    const replay = await cli('run', script, '--db', db, '--schedule', file);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain(`event-log sha256 ${rows[2]!.event_hash}`);
  });

  it('refuses a schedule line that is not a task name, and an unknown --sched, recording nothing', async () => {
    const script = t.file('race.fl', 'mount tmpfs\n[A] pwrite 0 4k\n[B] pwrite 4k 4k\n');
    const db = t.file('s.db');
    const bad = t.file('bad.schedule', 'A\nB\nAB\n');
    const r = await cli('run', script, '--db', db, '--schedule', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`foliolog: ${bad}:3: not a task name: 'AB' (want A..Z)\n`);
    const s = await cli('run', script, '--db', db, '--sched', 'pct:x');
    expect(s.code).toBe(2);
    expect(s.stderr).toBe('foliolog: --sched: not random or pct[:DEPTH]: pct:x\n');
    expect(fileHash(db)).toBe('missing');
  });

  it('refuses a setup line after a task line as a script error, recording nothing', async () => {
    const script = t.file('late.fl', 'mount tmpfs huge=always\n[A] pwrite 0 4k\n[B] pwrite 4k 4k\nreclaim\n');
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`foliolog: ${script}:4: a line without a task prefix after a prefixed one (setup lines come first)\n`);
    expect(fileHash(db)).toBe('missing');
  });

  it('stops at a line that reaches unmodelled behaviour and marks the run failed', async () => {
    // Every modelled path is complete today; a model op that gives up stands in for the next gap.
    vi.spyOn(Shmem.prototype, 'truncate').mockImplementation(() => {
      throw new UnsupportedError('truncate through a large folio');
    });
    const script = t.file('t.fl', 'mount tmpfs huge=always\npwrite 0 2m\ntruncate 1m\npwrite 0 4k\n');
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db, '--json');
    expect(r.code).toBe(2);
    expect(jsonLines(r.stdout)).toHaveLength(2);
    expect(r.stderr).toContain(`${script}:3: not supported yet: truncate through a large folio`);
    expect(runsOf(db)).toMatchObject([{ status: 'failed', failure: `${script}:3: not supported yet: truncate through a large folio` }]);
  });

  it('exits 1 and keeps a failed run when the oracle check fails', async () => {
    // A model whose page cache reports a folio its events never described.
    vi.spyOn(Shmem.prototype, 'folios').mockReturnValue([[0, 0, 1]]);
    const script = t.file('w.fl', 'mount tmpfs\npwrite 0 8k\n');
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${script}:1: check event-log failed: the event log describes folios []`);
    expect(runsOf(db)).toMatchObject([{ status: 'failed' }]);
  });

  it('puts a bug back with --bug: exits 1 naming the check, records the run failed with its bugs; unknown names exit 2', async () => {
    const script = t.file('hint.fl', 'mount tmpfs huge=never\ntruncate 256k\nmmap\nmread 0 4k\n');
    const db = t.file('s.db');
    const clean = await cli('run', script, '--db', db);
    expect(clean.code).toBe(0);
    const r = await cli('run', script, '--db', db, '--bug', 'fault-size-hint', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${script}:4: check new-folio-order failed: folio 0:6 of a fault`);
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare('select bugs, status from runs order by id').all();
    conn.close();
    expect(rows).toEqual([{ bugs: '[]', status: 'complete' }, { bugs: '["fault-size-hint"]', status: 'failed' }]);
    const bad = await cli('run', script, '--db', t.file('b.db'), '--bug', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('foliolog: --bug: unknown bug nope (known: fault-during-punch, punch-no-zero, fault-size-hint, fault-clears-partial)\n');
  });

  it('runs --bug fault-clears-partial with per-block state: exits 1 naming byte-model, records policy per-block; passes without it', async () => {
    const script = t.file('partial.fl', 'mount tmpfs huge=always\nfalloc 0 2m\npwrite 0 4k\nmmap\nmread 4096 4096\npread 0 4k\n');
    const db = t.file('s.db');
    const clean = await cli('run', script, '--db', db);
    expect(clean.code).toBe(0);
    const r = await cli('run', script, '--db', db, '--bug', 'fault-clears-partial');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${script}:6: check byte-model failed: read returned [[0,4096,0]], the written bytes are [[0,4096,205]]`);
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare('select policy, bugs, status from runs order by id').all();
    conn.close();
    expect(rows).toEqual([
      { policy: 'linux-6.18', bugs: '[]', status: 'complete' },
      { policy: 'per-block', bugs: '["fault-clears-partial"]', status: 'failed' },
    ]);
  });

  it('runs --policy per-block: a write into a fallocated PMD folio leaves it partly uptodate, and runs.policy says per-block', async () => {
    const script = t.file('pb.fl', 'mount tmpfs huge=always\nfalloc 0 2m\npwrite 0 4k\nseek -h 0\npread 0 8k\n');
    const db = t.file('s.db');
    const six = await cli('run', script, '--db', db, '--json');
    const pb = await cli('run', script, '--db', db, '--json', '--policy', 'per-block');
    expect([six.code, pb.code]).toEqual([0, 0]);
    const folio = (out: string, i: number) => jsonLines(out)[i]!.folios;
    // 6.18: write_end makes the whole folio uptodate, and SEEK_HOLE finds none before EOF.
    expect(folio(six.stdout, 2)).toEqual([[0, 9, 1]]);
    expect(jsonLines(six.stdout)[3]!.ret).toBe(2097152);
    // per-block: only the written page is; SEEK_HOLE stops right after it.
    expect(folio(pb.stdout, 2)).toEqual([[0, 9, 0]]);
    expect(jsonLines(pb.stdout)[3]!.ret).toBe(4096);
    expect(jsonLines(pb.stdout)[4]!.data).toEqual([[0, 4096, 205], [4096, 4096, 0]]);
    // Asking for per-block and a switch that needs it records the policy once.
    await cli('run', script, '--db', db, '--policy', 'per-block', '--bug', 'fault-clears-partial');
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare('select policy from runs order by id').all();
    conn.close();
    expect(rows).toEqual([{ policy: 'linux-6.18' }, { policy: 'per-block' }, { policy: 'per-block' }]);
  });

  it('skips the oracle with --no-check', async () => {
    vi.spyOn(Shmem.prototype, 'folios').mockReturnValue([[0, 0, 1]]);
    const r = await cli('run', t.file('w.fl', 'mount tmpfs\npwrite 0 8k\n'), '--db', t.file('s.db'), '--json', '--no-check');
    expect(r.code).toBe(0);
  });

  it.each([
    [['run'], /missing required argument/],
    [['run', 'x.fl', '--frobnicate'], /unknown option/],
    [['walk'], /unknown command/],
    [['run', 'x.fl', '--policy', 'zero-scan'], /unknown policy zero-scan/],
    [['run', 'x.fl', '--seed', '-3'], /--seed/],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 with one line for a script it cannot read', async () => {
    const r = await cli('run', t.file('nope.fl'), '--db', t.file('s.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.fl: cannot read the script \(ENOENT\)\n$/);
  });

  it('refuses a file that is not a foliolog store and leaves it byte-identical', async () => {
    const db = t.file('notes.db', 'these are my notes, not a database\n');
    const before = fileHash(db);
    const r = await cli('run', t.file('w.fl', 'mount tmpfs\n'), '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fileHash(db)).toBe(before);
  });

  it('prints its version', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('an unreadable store', () => {
  it.each([
    ['a directory', () => t.dir],
    ['a path in a missing folder', () => `${t.dir}/no/such/folder/s.db`],
  ])('is refused with one line and exit 2: %s', async (_what, db) => {
    const r = await cli('run', t.file('w.fl', 'mount tmpfs\n'), '--db', db());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^foliolog: .*(cannot be read|cannot open).*\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
