import { describe, expect, it } from 'vitest';
import { at } from '../../src/query/index.js';
import { simulateText } from '../../src/sim/index.js';
import { Counters, type Store } from '../../src/store/index.js';
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

describe('at RUN @OP', () => {
  it('lists exactly the nine folios kernel.md §3.7 shows after punching 64K at 1M in 0:9', async () => {
    const name = '301-punch-64k-at-1m';
    const id = recordModel(store, text(name));
    const r = await at(store, id, { op: 2 }, {});
    expect(r.folios).toEqual(truth(name)[2]!.folios);
    expect(r.folios).toHaveLength(9);
    expect(r).toMatchObject({ run: id, i: 2, file: 'f', resident: 496 });
    expect(r.states).toEqual(Array(9).fill('allocated'));
    expect(r.pinned).toEqual(Array(9).fill(0));
    // Cumulative counters, not the operation's own delta.
    expect(r.stats).toEqual({ '64kB': { split: 1 }, '2048kB': { shmem_alloc: 1, split: 1 } });
  });

  it('shows a pinned folio whose split failed, and the pin gone after unpin', async () => {
    const script = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\nunpin\n';
    const id = recordModel(store, script);
    const failed = await at(store, id, { op: 4 }, {});
    expect(failed).toMatchObject({ folios: [[0, 9, 1]], states: ['split-failed'], pinned: [1] });
    expect(failed.stats).toEqual({ '2048kB': { shmem_alloc: 1, split_failed: 1 } });
    expect(await at(store, id, { op: 5 }, {})).toMatchObject({ folios: [[0, 9, 1]], states: ['split-failed'], pinned: [0] });
  });

  it('narrows to a file by name and to a page range', async () => {
    const id = recordModel(store, 'mount tmpfs huge=within_size\npwrite 0 60k\nopen g\npwrite 0 8k\n');
    expect((await at(store, id, { op: 3 }, {})).file).toBe('g');
    const f = await at(store, id, { op: 3 }, { file: 'f', pgoff: [9, 13] });
    expect(f).toMatchObject({ file: 'f', folios: [[8, 2, 1], [12, 1, 1]], resident: 6 });
  });

  it('reads a kernel run from its inferred folios, a failed run as far as it got', async () => {
    const name = '316-within-size-64k-punch-4k';
    const k = recordKernel(store, text(name), truth(name));
    expect((await at(store, k, { op: 2 }, {})).folios).toEqual(truth(name)[2]!.folios);
  });
});

describe('at over checkpoints', () => {
  it('agrees with the simulator after every operation of a random script, checkpoints every 16 events', async () => {
    const name = '931-random-full-seed-101';
    const id = recordModel(store, text(name), `${name}.fl`, false, { checkpointInterval: 16 });
    const checkpoints = (await store.db.selectFrom('checkpoints').select('seq').where('run_id', '=', id).execute()).length;
    expect(checkpoints).toBeGreaterThan(5);
    const sum = new Counters();
    for (const o of simulateText(text(name))) {
      sum.add(o.stats);
      const r = await at(store, id, { op: o.i }, {});
      expect(r.folios, `@${o.i} ${o.op}`).toEqual(o.folios);
      expect(r.stats, `@${o.i} ${o.op}`).toEqual(sum.toJSON());
    }
  });
});

describe('at RUN SEQ', () => {
  it('shows the state before the first event at 0, and inside an operation at its events', async () => {
    const id = recordModel(store, 'mount tmpfs huge=within_size\npwrite 0 60k\n');
    expect(await at(store, id, { seq: 0 }, {})).toMatchObject({ seq: 0, i: 0, file: null, folios: [], stats: {} });
    // seq 1-2: file_created, file_switched; 3: folio 1 added (order 3), 4: marked uptodate, ...
    const mid = await at(store, id, { seq: 3 }, {});
    expect(mid).toMatchObject({ i: 1, file: 'f', folios: [[0, 3, 0]] });
    // The write has not finished: its counters are not in yet.
    expect(mid.stats).toEqual({});
  });
});

describe('at errors', () => {
  it('names a target out of range, an unknown file, an unknown and an incomplete run', async () => {
    const id = recordModel(store, 'mount tmpfs\npwrite 0 4k\n');
    await expect(at(store, id, { op: 2 }, {})).rejects.toMatchObject({ code: 'E_AT', message: `operation @2 is out of range: run ${id} has 2 operations (@0..@1)` });
    await expect(at(store, id, { seq: 99 }, {})).rejects.toMatchObject({ code: 'E_AT', message: expect.stringContaining('event 99 is past the end') });
    await expect(at(store, id, { op: 1 }, { file: 'nope' })).rejects.toMatchObject({ code: 'E_AT', message: expect.stringContaining('run has no file nope') });
    await expect(at(store, 99, { op: 0 }, {})).rejects.toMatchObject({ code: 'E_NO_RUN' });
    await expect(at(store, recordIncomplete(store, 'mount tmpfs\n'), { op: 0 }, {})).rejects.toMatchObject({ code: 'E_INCOMPLETE' });
  });
});
