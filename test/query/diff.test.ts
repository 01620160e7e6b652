import { describe, expect, it } from 'vitest';
import { diffRuns, runObservations } from '../../src/query/index.js';
import { BENCH_MIX, type MixOptions, mixText, simulateText } from '../../src/sim/index.js';
import type { Store } from '../../src/store/index.js';
import { useBackend } from '../store/_backend.js';
import { freshStorePerTest } from '../store/_helpers.js';
import { corpusText, corpusTruth, recordIncomplete, recordKernel, recordModel } from './_runs.js';

const truth = corpusTruth;
const text = corpusText;

let store: Store;
useBackend();
freshStorePerTest((s) => {
  store = s;
});

describe('runObservations', () => {
  it('derives a model run\'s folios from its events at each operation\'s last seq', async () => {
    const script = 'mount tmpfs huge=within_size\npwrite 0 60k\nopen g\npwrite 0 8k\nopen f\ntruncate 8k\n';
    const id = recordModel(store, script);
    expect([...runObservations(store, await store.getRun(id))]).toEqual(simulateText(script));
  });

  it('reads a kernel run\'s folios and blind pages as the probe printed them', async () => {
    const k = truth('327-punch-beyond-eof-frees-more');
    const id = recordKernel(store, text('327-punch-beyond-eof-frees-more'), k);
    expect([...runObservations(store, await store.getRun(id))]).toEqual(k);
  });
});

describe('diffRuns', () => {
  it('finds a model run equal to the kernel run of the same script', async () => {
    const name = '316-within-size-64k-punch-4k';
    const a = recordModel(store, text(name), `${name}.fl`);
    const b = recordKernel(store, text(name), truth(name), `${name}.fl`);
    const d = await diffRuns(store, a, b);
    expect(d).toMatchObject({
      equal: true, first: null,
      summary: {
        a: { run: a, source: 'model', script: `${name}.fl`, release: null, status: 'complete', ops: 5, compared: 5, differing: 0, sameScript: true },
        b: { run: b, source: 'kernel', script: `${name}.fl`, release: '6.18.44-test', status: 'complete', ops: 5, compared: 5, differing: 0, sameScript: true },
      },
    });
    // The same page caches on both sides, the kernel's told by inference.
    expect(d.summary.a).toMatchObject({ finalResident: 15, peakResident: 16, foliosByOrder: { 0: 1, 1: 1, 2: 1, 3: 1 }, counters: { '64kB': { shmem_alloc: 1, split: 1 } }, splitFailures: 0 });
    expect(d.summary.b).toMatchObject({ finalResident: 15, peakResident: 16, foliosByOrder: d.summary.a.foliosByOrder, counters: d.summary.a.counters });
  });

  it('names the first operation where they part and every differing field', async () => {
    const name = '301-punch-64k-at-1m';
    const k = truth(name).map((o) => (o.i === 2 ? { ...o, folios: [[0, 9, 1]] as const, blocks: 4096n, stats: { '2048kB': { split_failed: 1 } } } : o));
    const a = recordKernel(store, text(name), truth(name));
    const b = recordKernel(store, text(name), k);
    const d = await diffRuns(store, a, b);
    expect(d.equal).toBe(false);
    expect(d.first).toEqual({
      i: 2, line: 4, op: 'fpunch 1m 64k',
      fields: {
        folios: [truth(name)[2]!.folios, [[0, 9, 1]]],
        stats: [{ '2048kB': { split: 1 }, '64kB': { split: 1 } }, { '2048kB': { split_failed: 1 } }],
        blocks: [3968n, 4096n],
      },
    });
    expect(d.summary.a).toMatchObject({ compared: 5, differing: 1 });
  });

  it('compares runs of different scripts op by op, and reports an operation only one run has', async () => {
    const a = recordModel(store, 'mount tmpfs huge=always\npwrite 0 4k\n', 'a.fl');
    const b = recordModel(store, 'mount tmpfs huge=always\npwrite 0 4k\nseek -d 0\n', 'b.fl');
    const d = await diffRuns(store, a, b);
    expect(d.equal).toBe(false);
    expect(d.first).toEqual({ i: 2, line: 3, op: 'seek -d 0', fields: { op: [null, 'seek -d 0'] } });
    expect(d.summary.a).toMatchObject({ ops: 2, compared: 2, differing: 0, sameScript: false });
    expect(d.summary.b).toMatchObject({ ops: 3, sameScript: false });
  });

  it('refuses an incomplete run and an unknown one', async () => {
    const a = recordModel(store, 'mount tmpfs\n');
    const dead = recordIncomplete(store, 'mount tmpfs\n');
    await expect(diffRuns(store, a, dead)).rejects.toMatchObject({ code: 'E_INCOMPLETE', message: expect.stringContaining(`run ${dead} is incomplete`) });
    await expect(diffRuns(store, 99, a)).rejects.toMatchObject({ code: 'E_NO_RUN' });
  });
});

describe('diffRuns over operation rows', () => {
  const A = 'mount tmpfs huge=always\npwrite 0 2m\nfpunch 1m 64k\npwrite 4m 4k\nseek -h 0\n';
  // The same commands on a huge=never mount: every layout after the mount differs, the rest agrees.
  const B = 'mount tmpfs huge=never\npwrite 0 2m\nfpunch 1m 64k\npwrite 4m 4k\nseek -h 0\n';

  it('finds the first layout difference from the digests and lists every one with --all', async () => {
    const a = recordModel(store, A, 'a.fl');
    const b = recordModel(store, B, 'b.fl');
    const first = await diffRuns(store, a, b);
    expect(first.first).toMatchObject({ i: 0, fields: { op: ['mount tmpfs huge=always', 'mount tmpfs huge=never'] } });
    const all = await diffRuns(store, a, b, { all: true });
    expect(all.all?.map((d) => [d.i, Object.keys(d.fields).sort()])).toEqual([
      [0, ['op']], [1, ['folios', 'stats']], [2, ['folios', 'stats']], [3, ['blocks', 'folios', 'stats']], [4, ['blocks', 'folios']],
    ]);
    expect(all.first).toEqual(first.first);
    expect(first.summary.a.differing).toBe(5);
  });

  it('gives the same answer for runs recorded without layout digests', async () => {
    const a = recordModel(store, A, 'a.fl');
    const b = recordModel(store, B, 'b.fl');
    const la = recordModel(store, A, 'a.fl', true);
    const lb = recordModel(store, B, 'b.fl', true);
    const strip = (d: Awaited<ReturnType<typeof diffRuns>>): unknown => ({ ...d, summary: undefined });
    expect(strip(await diffRuns(store, la, lb, { all: true }))).toEqual(strip(await diffRuns(store, a, b, { all: true })));
    expect(await diffRuns(store, la, a)).toMatchObject({ equal: true });
  });

  it('finds a layout difference hidden behind equal rows (a retiled uptodate folio)', async () => {
    const name = '316-within-size-64k-punch-4k';
    const k = truth(name).map((o) => (o.i === 3 ? { ...o, folios: [[0, 2, 1], [5, 0, 1], [6, 0, 1], [7, 0, 1], [8, 3, 1]] as const } : o));
    const a = recordModel(store, text(name));
    const b = recordKernel(store, text(name), k);
    const d = await diffRuns(store, a, b);
    expect(d.first).toMatchObject({ i: 3, fields: { folios: [truth(name)[3]!.folios, k[3]!.folios] } });
    expect(d.summary.a.differing).toBe(1);
  });
});

describe('diff summary of runs recorded before the writer kept their peaks', () => {
  it('computes resident pages and folios by order from the rows when the tallies lack them', async () => {
    const name = '316-within-size-64k-punch-4k';
    const a = recordModel(store, corpusText(name));
    const b = recordModel(store, corpusText(name));
    const kept = await diffRuns(store, a, b);
    // An older writer's tallies: events and states only.
    const old = JSON.stringify({ events: kept.summary.b.eventsByState === null ? {} : { 1: 1 }, states: {} });
    await store.db.updateTable('runs').set({ tallies: old }).where('id', '=', b).execute();
    const computed = await diffRuns(store, a, b);
    expect(computed.summary.b).toMatchObject({ peakResident: 16, finalResident: 15, foliosByOrder: kept.summary.a.foliosByOrder });
    expect(kept.summary.b).toMatchObject({ peakResident: 16, finalResident: 15, foliosByOrder: { 0: 1, 1: 1, 2: 1, 3: 1 } });
  });
});

describe('diffRuns over operation blocks (migration 0006)', () => {
  const mix: MixOptions = { ...BENCH_MIX, fileBytes: 1 << 20, files: 2, seed: 5 };
  const lines = mixText(mix, 5_000).split('\n');
  const edited = (at: number, line: string): string => lines.map((l, k) => (k === at ? line : l)).join('\n');

  it('joins only the blocks that differ, and answers as a join of every row does', async () => {
    const a = recordModel(store, lines.join('\n'), 'a.fl');
    const b = recordModel(store, edited(4_900, 'pwrite 0 4096'), 'b.fl');
    const c = recordModel(store, edited(1_500, 'truncate 0'), 'c.fl');
    const blocks = await store.db.selectFrom('operation_blocks').selectAll().where('run_id', '=', a).execute();
    expect(blocks.map((r) => [r.first_i, r.ops])).toEqual([[0, 1024], [1024, 1024], [2048, 1024], [3072, 1024], [4096, 904]]);
    const withBlocks = [await diffRuns(store, a, b, { all: true }), await diffRuns(store, a, c, { all: true }), await diffRuns(store, b, a)];
    expect(withBlocks[0]!.first?.i).toBe(4_900);
    expect(withBlocks[1]!.first?.i).toBe(1_500);
    expect(withBlocks[0]!.summary.a.differing).toBeGreaterThan(1);
    // Without blocks (as runs recorded before 0006), every row is joined: the same answers.
    await store.db.deleteFrom('operation_blocks').execute();
    expect([await diffRuns(store, a, b, { all: true }), await diffRuns(store, a, c, { all: true }), await diffRuns(store, b, a)]).toEqual(withBlocks);
  });

  it('finds runs of the same script equal, blocks and all, and compares no digest of another version', async () => {
    const a = recordModel(store, lines.slice(0, 1_200).join('\n'), 'a.fl');
    const b = recordModel(store, lines.slice(0, 1_200).join('\n'), 'b.fl');
    expect((await diffRuns(store, a, b)).equal).toBe(true);
    // A run whose digests are of version 1 (recorded before 0006) against one of version 2:
    // every layout is compared by page caches instead, and they still agree.
    await store.db.updateTable('runs').set({ layout_version: null }).where('id', '=', a).execute();
    await store.db.deleteFrom('operation_blocks').where('run_id', '=', a).execute();
    await store.db.updateTable('operations').set({ layout: 12345 }).where('run_id', '=', a).execute();
    const d = await diffRuns(store, a, b);
    expect(d.equal).toBe(true);
    expect(d.summary.a.differing).toBe(0);
  });
});
