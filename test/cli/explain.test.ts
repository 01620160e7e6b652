import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

/** One allocation of the 60K within_size write, as `--json` prints it. */
function allocation(id: number, pgoff: number, order: number, iSize: number, why: string, tried: string): unknown {
  const kept = Array.from({ length: order }, (_, k) => order - k);
  const removed = Array.from({ length: 9 - order }, (_, k) => 9 - k);
  return {
    file: 'f', folios: [{ id, pgoff, order }], lookup: 'write', pgoff,
    settings: { shmem_enabled: 'never', huge: 'within_size', mount: 'tmpfs', per_size: null, vma: null, i_size: iSize, write_end: 61440 },
    stages: [
      { stage: 'allowable', orders: [9, 8, 7, 6, 5, 4, 3, 2, 1], removed: [], why: 'huge=within_size (tmpfs mount), no VMA: every order' },
      { stage: 'within_size', orders: kept, removed, why },
      ...(order > 0 ? [{ stage: 'conflicts', orders: kept, removed: [], why: 'nothing in the way' }] : []),
    ],
    tried: [{ order, result: 'allocated', why: tried }],
    order,
  };
}

describe('foliolog explain', () => {
  it('explains the four folios of a 60K write on huge=within_size, as text and as one JSON document', async () => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('ws.fl', 'mount tmpfs huge=within_size\npwrite 0 60k\n'), '--db', db)).code).toBe(0);
    expect(await cli('explain', '1', '@1', '--db', db)).toEqual({
      code: 0, stderr: '',
      stdout: [
        'run 1, i 1 (line 2: pwrite 0 60k); file f',
        'before: (empty)',
        'after:  0:3 8:2 12:1 14:0',
        'allocated (4 folios):',
        '0:3  write',
        '  allowable    9-1   huge=within_size (tmpfs mount), no VMA: every order',
        '  within_size  3-1   i_size 0, write_end 60 KiB: order 4 needs 64 KiB, so 9-4 do not fit',
        '  conflicts    3-1   nothing in the way',
        '  tried        3     allocated: the highest suitable order',
        '8:2  write',
        '  allowable    9-1   huge=within_size (tmpfs mount), no VMA: every order',
        '  within_size  2-1   i_size 32 KiB, write_end 60 KiB: order 3 needs 64 KiB, so 9-3 do not fit',
        '  conflicts    2-1   nothing in the way',
        '  tried        2     allocated: the highest suitable order',
        '12:1  write',
        '  allowable    9-1   huge=within_size (tmpfs mount), no VMA: every order',
        '  within_size  1     i_size 48 KiB, write_end 60 KiB: order 2 needs 64 KiB, so 9-2 do not fit',
        '  conflicts    1     nothing in the way',
        '  tried        1     allocated: the highest suitable order',
        '14:0  write',
        '  allowable    9-1   huge=within_size (tmpfs mount), no VMA: every order',
        '  within_size  none  i_size 56 KiB, write_end 60 KiB: order 1 needs 64 KiB, so 9-1 do not fit; nothing fits, so advise decides: none',
        '  tried        0     allocated: no large order is suitable',
        '(allocation and memcg charge never fail in the model: only the size= limit makes an order fall back)',
        '',
      ].join('\n'),
    });
    const json = await cli('explain', '1', '@1', '--db', db, '--json');
    expect(json.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(json.stdout)).toEqual({
      run: 1, i: 1, line: 2, op: 'pwrite 0 60k', source: 'model', file: 'f', note: null,
      before: [], after: [[0, 3, 1], [8, 2, 1], [12, 1, 1], [14, 0, 1]],
      allocations: [
        allocation(1, 0, 3, 0, 'i_size 0, write_end 60 KiB: order 4 needs 64 KiB, so 9-4 do not fit', 'the highest suitable order'),
        allocation(2, 8, 2, 32768, 'i_size 32 KiB, write_end 60 KiB: order 3 needs 64 KiB, so 9-3 do not fit', 'the highest suitable order'),
        allocation(3, 12, 1, 49152, 'i_size 48 KiB, write_end 60 KiB: order 2 needs 64 KiB, so 9-2 do not fit', 'the highest suitable order'),
        allocation(4, 14, 0, 57344, 'i_size 56 KiB, write_end 60 KiB: order 1 needs 64 KiB, so 9-1 do not fit; nothing fits, so advise decides: none', 'no large order is suitable'),
      ],
      splits: [], collapses: [],
    });
  });

  it('names the pin behind a punch whose split failed', async () => {
    const db = t.file('s.db');
    const script = t.file('p.fl', 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\n');
    expect((await cli('run', script, '--db', db)).code).toBe(0);
    expect((await cli('explain', '1', '@4', '--db', db)).stdout).toBe([
      'run 1, i 4 (line 5: fpunch 1m 64k); file f',
      'before: 0:9',
      'after:  0:9',
      'splits (1):',
      '0:9  punch: not split',
      '  a punch covers part of 0:9 (zeroed there): split to order 0 around page 256, the first page it punches',
      '  refused: 1 pin on it, taken by i 3 (line 4: pin 1m 4k)',
      '',
    ].join('\n'));
  });

  it.each([
    [['1', '@9'], 'operation @9 is out of range: run 1 has 2 operations (@0..@1)'],
    [['1', '3'], 'explain takes an operation @OP, not an event SEQ: 3'],
    [['1', 'x1'], 'not an event SEQ or an operation @OP: x1'],
    [['7', '@0'], 'no run 7'],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('a.fl', 'mount tmpfs\npwrite 0 4k\n'), '--db', db)).code).toBe(0);
    expect(await cli('explain', ...args, '--db', db)).toEqual({ code: 2, stdout: '', stderr: `foliolog: ${message}\n` });
  });

  it('refuses an incomplete run in one line with exit 2, and creates no store when there is none', async () => {
    const db = t.file('s.db');
    expect((await cli('run', t.file('a.fl', 'mount tmpfs\n'), '--db', db)).code).toBe(0);
    const store = await openStore(db, 'existing');
    store.beginRun({
      source: 'model', scriptName: 'k.fl', scriptText: 'mount tmpfs\n', config: {}, seed: 1, policy: 'linux-6.18', bugs: [],
      schedule: null, foliologVersion: '0.1.0', nodeVersion: process.versions.node, kernelRelease: null,
    }, { now: () => new Date('2026-01-01T00:00:00Z') });
    await store.close();
    expect(await cli('explain', '2', '@0', '--db', db)).toEqual({
      code: 2, stdout: '', stderr: 'foliolog: run 2 is incomplete (its writer stopped before finishing)\n',
    });
    const none = await cli('explain', '1', '@0', '--db', t.file('none.db'));
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('no foliolog store here')]);
  });
});

