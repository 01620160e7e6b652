import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Shmem, UnsupportedError } from '../../src/model/index.js';
import { openStore } from '../../src/store/index.js';
import { recordIncomplete } from '../query/_runs.js';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => { vi.restoreAllMocks(); t.cleanup(); });

const FOUR_WAYS = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\nunpin\nfpunch 1m 64k\npin 1600k 4k\ntruncate 1700k\nunpin\nmadvise -c 0 2m\n';

describe('foliolog history', () => {
  it('prints a page\'s transitions as a table, and as one JSON array', async () => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('p.fl', FOUR_WAYS), '--db', db)).code).toBe(0);
    expect(await cli('history', '1', '--pgoff', '400', '--db', db)).toEqual({
      code: 0, stderr: '',
      stdout: [
        'run 1, file f, page 400: 3 folios, 19 events',
        'seq  i   line  op               folio  pgoff:order  event                  from → to                              parent/into',
        '3    1   2     pwrite 0 2m      1      0:9          folio_added            → allocated',
        '4    1   2     pwrite 0 2m      1      0:9          folio_marked_uptodate  allocated → allocated',
        '6    3   4     pin 1m 4k        1      0:9          folio_pinned           allocated → allocated',
        '7    4   5     fpunch 1m 64k    1      0:9          folio_zeroed           allocated → partially-punched',
        '8    4   5     fpunch 1m 64k    1      0:9          folio_split_failed     partially-punched → split-failed',
        '9    5   6     unpin            1      0:9          folio_unpinned         split-failed → split-failed',
        '10   6   7     fpunch 1m 64k    1      0:9          folio_zeroed           split-failed → partially-punched',
        '11   6   7     fpunch 1m 64k    1      0:9          folio_split            partially-punched → split              into 11',
        '30   6   7     fpunch 1m 64k    11     384:7        folio_added            → allocated                            parent 1',
        '31   6   7     fpunch 1m 64k    11     384:7        folio_marked_uptodate  allocated → allocated                  parent 1',
        '48   7   8     pin 1600k 4k     11     384:7        folio_pinned           allocated → allocated                  parent 1',
        '50   8   9     truncate 1700k   11     384:7        folio_zeroed           allocated → partially-punched          parent 1',
        '51   8   9     truncate 1700k   11     384:7        folio_split_failed     partially-punched → split-failed       parent 1',
        '52   8   9     truncate 1700k   11     384:7        folio_reclaim_marked   split-failed → reclaim-candidate       parent 1',
        '53   9   10    unpin            11     384:7        folio_unpinned         reclaim-candidate → reclaim-candidate  parent 1',
        '54   10  11    madvise -c 0 2m  17     0:9          folio_added            → collapsed',
        '63   10  11    madvise -c 0 2m  11     384:7        folio_collapsed        reclaim-candidate → collapsed-into     into 17',
        '64   10  11    madvise -c 0 2m  17     0:9          folio_marked_uptodate  collapsed → collapsed',
        '65   10  11    madvise -c 0 2m  17     0:9          folio_reclaim_marked   collapsed → reclaim-candidate',
        'read 19 of the run\'s 65 events, in 1 read by seq',
        '',
      ].join('\n'),
    });
    const json = await cli('history', '1', '--pgoff', '400', '--db', db, '--json');
    expect(json.stdout.split('\n')).toHaveLength(2);
    const rows = JSON.parse(json.stdout) as unknown[];
    expect(rows).toHaveLength(19);
    expect(json.stdout).toMatch(/^\[\{"seq":3,"i":1,"folio":1,"pgoff":0,"order":9,"event":"folio_added","from":null,"to":"allocated","parent":null,"into":null,"line":2,"op":"pwrite 0 2m"\},/);
    expect(rows[16]).toEqual({ seq: 63, i: 10, folio: 11, pgoff: 384, order: 7, event: 'folio_collapsed', from: 'reclaim-candidate', to: 'collapsed-into', parent: 1, into: [17], line: 11, op: 'madvise -c 0 2m' });
  });

  it('prints one folio with its parent chain, and the pieces of its split', async () => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('p.fl', FOUR_WAYS), '--db', db)).code).toBe(0);
    const piece = await cli('history', '1', '--folio', '14', '--db', db);
    expect(piece.stdout.split('\n')[0]).toBe('run 1, file f, folio 14 (274:1), split from 8 (272:4) ← 1 (0:9): 3 events');
    const one = await cli('history', '1', '--folio', '1', '--db', db);
    expect(one.stdout).toContain('folio_split            partially-punched → split         into 2-11\n');
    const target = await cli('history', '1', '--folio', '17', '--db', db);
    expect(target.stdout.split('\n')[0]).toBe('run 1, file f, folio 17 (0:9), collapsed from 2 9-16: 3 events');
  });

  it.each([
    [['1'], 'say whose history: --pgoff N (a page) or --folio ID (a folio)'],
    [['1', '--pgoff', '0', '--folio', '1'], 'give --pgoff N or --folio ID, not both'],
    [['1', '--pgoff', '1.5'], '--pgoff: not a page index: 1.5'],
    [['1', '--pgoff', '0x10'], '--pgoff: not a page index: 0x10'],
    [['1', '--folio', '0'], '--folio: not a folio id: 0'],
    [['1', '--folio', '1', '--file', 'f'], '--file goes with --pgoff: a folio belongs to one file'],
    [['1', '--folio', '9'], 'run 1 has no folio 9 (its folios are 1..1)'],
    [['1', '--pgoff', '7'], 'page 7 of file f was never in the page cache'],
    [['1', '--pgoff', '0', '--file', 'g'], 'run has no file g (files: #1 f)'],
    [['7', '--pgoff', '0'], 'no run 7'],
    [['x', '--pgoff', '0'], 'not a run id: x'],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('a.fl', 'mount tmpfs\npwrite 0 4k\n'), '--db', db)).code).toBe(0);
    expect(await cli('history', ...args, '--db', db)).toEqual({ code: 2, stdout: '', stderr: `foliolog: ${message}\n` });
  });

  it('refuses an incomplete run and reads a failed one', async () => {
    const db = t.file('s.db');
    const store = await openStore(db, 'create');
    recordIncomplete(store, 'mount tmpfs\n');
    await store.close();
    expect(await cli('history', '1', '--pgoff', '0', '--db', db)).toEqual({ code: 2, stdout: '', stderr: 'foliolog: run 1 is incomplete (its writer stopped before finishing)\n' });
    vi.spyOn(Shmem.prototype, 'truncate').mockImplementation(() => {
      throw new UnsupportedError('truncate through a large folio');
    });
    expect((await cli('run', t.file('t.fl', 'mount tmpfs huge=always\npwrite 0 2m\ntruncate 1m\n'), '--db', db)).code).toBe(2);
    const failed = await cli('history', '2', '--pgoff', '0', '--db', db, '--json');
    expect(failed.code).toBe(0);
    expect((JSON.parse(failed.stdout) as Array<{ event: string }>).map((r) => r.event)).toEqual(['folio_added', 'folio_marked_uptodate']);
  });

  it('prints what the README example shows', async () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const block = /\$ cat split\.fl\n([^$]*)\$ foliolog run split\.fl[^\n]*\n[^$]*\$ foliolog history 1 --pgoff 400 --db split\.db\n([^$]*)\$ foliolog history 1 --folio 12 --db split\.db \| head -1\n([^`]*)```/.exec(readme);
    expect(block).not.toBeNull();
    const [, script, page, folio] = block!;
    const db = t.file('split.db');
    expect((await cli('run', t.file('split.fl', script), '--db', db)).code).toBe(0);
    expect((await cli('history', '1', '--pgoff', '400', '--db', db)).stdout).toBe(page);
    expect((await cli('history', '1', '--folio', '12', '--db', db)).stdout.split('\n')[0]).toBe(folio!.trimEnd());
  });

  it('creates no store when there is none', async () => {
    const r = await cli('history', '1', '--pgoff', '0', '--db', t.file('none.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no foliolog store here');
  });
});
