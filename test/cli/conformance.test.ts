import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

const SCRIPT = 'thp shmem_enabled=within_size\nmount anon 8m\nfalloc -k 2m 4m\nmadvise -c 2m 2m\n';
/** The §2 lines of SCRIPT with MADV_COLLAPSE answering `ret` and leaving the folios not uptodate. */
function truth(ret: string): string {
  return [
    '{"i":0,"line":1,"op":"thp shmem_enabled=within_size","ret":0,"folios":[],"stats":{},"size":0,"blocks":0}',
    '{"i":1,"line":2,"op":"mount anon 8m","ret":0,"folios":[],"stats":{},"size":8388608,"blocks":0}',
    '{"i":2,"line":3,"op":"falloc -k 2m 4m","ret":0,"folios":[[512,9,0],[1024,9,0]],"stats":{"2048kB":{"shmem_alloc":2}},"size":8388608,"blocks":8192}',
    `{"i":3,"line":4,"op":"madvise -c 2m 2m","ret":${ret},"folios":[[512,9,0],[1024,9,0]],"stats":{},"size":8388608,"blocks":8192}`,
    '',
  ].join('\n');
}

/** A one-script corpus recorded on `release`, whose MADV_COLLAPSE answered `ret`. */
function corpus(release: string, ret: string): string {
  t.file('RELEASE', `${release}\n`);
  t.file('001-collapse-fallocated-pmd.fl', SCRIPT);
  t.file('001-collapse-fallocated-pmd.truth.jsonl', truth(ret));
  return t.dir;
}

describe('foliolog conformance and kernel builds', () => {
  // The other build's answer as issue 15 reports it for earlier 6.18.44 builds: 0, folios not uptodate.
  it('lists a truth of another build that differs by a known rule apart, naming the rule, and exits 0', async () => {
    const r = await cli('conformance', corpus('6.18.44-fc-v669', '0'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'agree 3/4 operations, 0/1 scripts',
      'not modelled yet: 0 scripts (0 operations); disagree: 0 scripts',
      'recorded on another kernel build: 1 scripts, apart from the disagreements',
      '  001-collapse-fallocated-pmd (6.18.44-fc-v669): differs by collapse-passes-fallocated-pmd',
      'by corpus section:',
      '  0xx  other  1/1 scripts, 4/4 operations',
      '',
    ].join('\n'));
    const json = await cli('conformance', t.dir, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      otherRelease: [{ name: '001-collapse-fallocated-pmd', release: '6.18.44-fc-v669', rule: 'collapse-passes-fallocated-pmd' }], disagree: [],
    });
  });

  it('agrees with that truth under the variant', async () => {
    const r = await cli('conformance', corpus('6.18.44-fc-v669', '0'), '--variant', 'collapse-passes-fallocated-pmd');
    expect([r.code, r.stdout.split('\n')[0]]).toEqual([0, 'agree 4/4 operations, 1/1 scripts']);
  });

  it('counts the same difference as a disagreement on the build the model follows', async () => {
    const r = await cli('conformance', corpus('6.18.44-fc-v1272', '0'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('disagree: 1 scripts');
    expect(r.stdout).toContain('001-collapse-fallocated-pmd: i 3, line 4: madvise -c 2m 2m\n  ret: model EINVAL | kernel 0\n');
  });

  it('under the variant, tells apart a truth of the build the model follows by default', async () => {
    const r = await cli('conformance', corpus('6.18.44-fc-v1272', '"EINVAL"'), '--variant', 'collapse-passes-fallocated-pmd');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  001-collapse-fallocated-pmd (6.18.44-fc-v1272): differs by collapse-passes-fallocated-pmd\n');
  });

  it('refuses an unknown variant with one line and exit 2', async () => {
    for (const cmd of [['conformance', corpus('6.18.44-fc-v1272', '0')], ['run', t.file('w.fl', 'mount tmpfs\n'), '--db', t.file('s.db')]]) {
      const r = await cli(...cmd, '--variant', 'nope');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('foliolog: --variant: unknown kernel variant nope (there is: collapse-passes-fallocated-pmd)\n');
    }
  });
});

describe('foliolog run --variant', () => {
  it('answers as the variant and records it in runs.config', async () => {
    const db = t.file('s.db');
    const r = await cli('run', t.file('c.fl', SCRIPT), '--db', db, '--json', '--variant', 'collapse-passes-fallocated-pmd');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')[3]).toBe(truth('0').split('\n')[3]);
    await cli('run', t.file('c.fl'), '--db', db);
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare('select config from runs order by id').pluck().all())
        .toEqual(['{"check":true,"variant":"collapse-passes-fallocated-pmd"}', '{"check":true}']);
    } finally {
      conn.close();
    }
  });
});

describe('foliolog conformance totals', () => {
  it('prints the totals of each corpus section, in section order', async () => {
    t.file('RELEASE', '6.18.44-fc-v1272\n');
    const agree = 'mount tmpfs huge=always\npwrite 0 4k\n';
    const w = '{"i":0,"line":1,"op":"mount tmpfs huge=always","ret":0,"folios":[],"stats":{},"size":0,"blocks":0}\n';
    const lines = (blocks: number): string => `${w}{"i":1,"line":2,"op":"pwrite 0 4k","ret":4096,"folios":[[0,9,1]],"stats":{"2048kB":{"shmem_alloc":1}},"size":4096,"blocks":${blocks}}\n`;
    for (const [name, blocks] of [['601-a', 4096], ['205-b', 4096], ['210-c', 8]] as const) {
      t.file(`${name}.fl`, agree);
      t.file(`${name}.truth.jsonl`, lines(blocks));
    }
    const r = await cli('conformance', t.dir, '--show', '0');
    expect(r.code).toBe(1);
    expect(r.stdout.split('by corpus section:\n')[1]).toBe([
      '  2xx  order selection, write and fault layouts  1/2 scripts, 3/4 operations',
      '  6xx  MADV_COLLAPSE and khugepaged              1/1 scripts, 2/2 operations',
      '',
    ].join('\n'));
  });
});

describe('foliolog conformance --random', () => {
  it.each([
    [['--random', '0'], '--random: not an integer ≥ 1: 0'],
    [['--random', 'x'], '--random: not an integer ≥ 1: x'],
    [['--random', '5', '--mix', 'nope'], '--mix: unknown mix nope (there is: files, pins, collapse, knobs, enospc, long)'],
    [['--random', '5', '--ops', '9..3'], '--ops: not a range A..B with 1 ≤ A ≤ B ≤ 100000: 9..3'],
    [['--random', '5', '--seed', '-1'], '--seed: not an integer ≥ 0: -1'],
    [['--random', '5', '--variant', 'nope'], '--variant: unknown kernel variant nope (there is: collapse-passes-fallocated-pmd)'],
  ])('refuses %j with one line and exit 2, before touching the kernel', async (args, message) => {
    const r = await cli('conformance', ...args);
    expect([r.code, r.stderr]).toEqual([2, `foliolog: ${message}\n`]);
  });
});
