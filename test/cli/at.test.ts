import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

describe('foliolog at', () => {
  it('prints the page cache after an operation as a table, and as one JSON document', async () => {
    const db = t.file('s.db');
    const script = t.file('p.fl', 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\n');
    expect((await cli('run', script, '--db', db)).code).toBe(0);
    const table = await cli('at', '1', '@4', '--db', db);
    expect(table).toEqual({
      code: 0, stderr: '',
      stdout: [
        'run 1, seq 8, after i 4 (line 5: fpunch 1m 64k); file f',
        'pgoff  order  uptodate  state         pinned',
        '0      9      1         split-failed  1',
        '1 folios, 512 resident pages',
        'counters: 2048kB.shmem_alloc=1 2048kB.split_failed=1',
        '',
      ].join('\n'),
    });
    const json = await cli('at', '1', '@4', '--db', db, '--json');
    expect(json.stdout).toBe('{"run":1,"seq":8,"i":4,"file":"f","folios":[[0,9,1]],"states":["split-failed"],"pinned":[1],"resident":512,"stats":{"2048kB":{"shmem_alloc":1,"split_failed":1}}}\n');
  });

  it.each([
    [['1', '@9'], 'operation @9 is out of range: run 1 has 2 operations (@0..@1)'],
    [['1', '999'], 'event 999 is past the end: run 1 has 5 events'],
    [['1', 'x1'], 'not an event SEQ or an operation @OP: x1'],
    [['1', '@1', '--pgoff', '9..2'], '--pgoff: not a page range A..B: 9..2'],
    [['1', '@1', '--file', 'g'], 'run has no file g (files: #1 f)'],
    [['7', '@0'], 'no run 7'],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('a.fl', 'mount tmpfs\npwrite 0 4k\n'), '--db', db)).code).toBe(0);
    expect(await cli('at', ...args, '--db', db)).toEqual({ code: 2, stdout: '', stderr: `foliolog: ${message}\n` });
  });

  it('creates no store when there is none', async () => {
    const r = await cli('at', '1', '@0', '--db', t.file('none.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no foliolog store here');
  });
});
