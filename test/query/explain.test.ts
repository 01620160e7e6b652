import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CODES } from '../../src/model/index.js';
import { KERNEL_NOTE, explain } from '../../src/query/index.js';
import type { Observation } from '../../src/script/index.js';
import { parseObservation, parseScript } from '../../src/script/index.js';
import { firstUnsupportedLine } from '../../src/sim/index.js';
import type { Store } from '../../src/store/index.js';
import { onPostgres, useBackend } from '../store/_backend.js';
import { freshStorePerTest } from '../store/_helpers.js';
import { recordIncomplete, recordKernel, recordModel } from './_runs.js';

const CORPUS = join(import.meta.dirname, '../conformance');
const truth = (name: string): Observation[] =>
  readFileSync(join(CORPUS, `${name}.truth.jsonl`), 'utf8').split('\n').filter(Boolean).map(parseObservation);
const text = (name: string): string => readFileSync(join(CORPUS, `${name}.fl`), 'utf8');

let store: Store;
useBackend();
freshStorePerTest((s) => {
  store = s;
});

/** The stages of an allocation as `stage orders: why`. */
const chain = (a: { stages: ReadonlyArray<{ stage: string; orders: readonly number[]; why: string }> }): string[] =>
  a.stages.map((s) => `${s.stage} ${s.orders.join(',') || '-'}: ${s.why}`);

describe('explain: allocations (kernel.md §2)', () => {
  it('names, for each folio of a 60K write on huge=within_size, the orders allowed and why the larger ones do not fit', async () => {
    const id = recordModel(store, 'mount tmpfs huge=within_size\npwrite 0 60k\n');
    const r = await explain(store, id, 1);
    expect(r.after).toEqual([[0, 3, 1], [8, 2, 1], [12, 1, 1], [14, 0, 1]]);
    expect(r.allocations.map((a) => [a.folios.map((f) => `${f.pgoff}:${f.order}`), a.order])).toEqual([
      [['0:3'], 3], [['8:2'], 2], [['12:1'], 1], [['14:0'], 0],
    ]);
    const within = r.allocations.map((a) => a.stages.find((s) => s.stage === 'within_size')!);
    expect(within.map((s) => s.orders)).toEqual([[3, 2, 1], [2, 1], [1], []]);
    expect(within.map((s) => s.why)).toEqual([
      'i_size 0, write_end 60 KiB: order 4 needs 64 KiB, so 9-4 do not fit',
      'i_size 32 KiB, write_end 60 KiB: order 3 needs 64 KiB, so 9-3 do not fit',
      'i_size 48 KiB, write_end 60 KiB: order 2 needs 64 KiB, so 9-2 do not fit',
      'i_size 56 KiB, write_end 60 KiB: order 1 needs 64 KiB, so 9-1 do not fit; nothing fits, so advise decides: none',
    ]);
    expect(r.allocations[0]!.settings).toMatchObject({ shmem_enabled: 'never', huge: 'within_size', mount: 'tmpfs', vma: null, i_size: 0n, write_end: 61440n });
    expect(r.allocations[0]!.tried).toEqual([{ order: 3, result: 'allocated', why: 'the highest suitable order' }]);
  });

  it('names the VMA fit of an anonymous fault whose VMA cannot hold the PMD block', async () => {
    const id = recordModel(store, 'thp hugepages-2048kB=always hugepages-64kB=always\nmount anon 4m\nmadvise -r 0 1m\nmread 0 4k\n');
    const [a] = (await explain(store, id, 3)).allocations;
    expect(a).toMatchObject({ lookup: 'fault', order: 4, folios: [{ pgoff: 0, order: 4 }] });
    expect(chain(a!)).toEqual([
      'allowable 9,4: anonymous shmem, per-size knobs: always 64kB 2048kB',
      'vma 4: order 9: its 2 MiB block pgoff 0-511 is not inside the VMA (pgoff 0-255)',
      'conflicts 4: nothing in the way',
    ]);
    expect(a!.settings.vma).toEqual({ kind: 'anon', misalign: 0, hugepage: false, nohugepage: false, pages: [0, 256] });
  });

  it('names the folio in the way (kernel.md §2.3: order-0 page at 5, faults at 0, 8, 2, 16)', async () => {
    const id = recordModel(store, text('221-anon-conflicts-shape-orders'));
    const [a] = (await explain(store, id, 4)).allocations;
    expect(a!.order).toBe(2);
    expect(a!.stages.at(-1)).toEqual({ stage: 'conflicts', orders: [2, 1], removed: [4], why: "order 4's range pgoff 0-15 already holds folio 0:2" });
  });

  it('says a tmpfs fault through a misaligned VMA gets no PMD', async () => {
    const id = recordModel(store, text('226-tmpfs-always-misaligned'));
    const [a] = (await explain(store, id, 3)).allocations;
    expect(chain(a!)).toEqual([
      'allowable 9: huge=always (tmpfs mount), a fault maps PMD or nothing',
      'vma -: order 9: the VMA is misaligned by 4 KiB against the file',
    ]);
    expect(a!.tried).toEqual([{ order: 0, result: 'allocated', why: 'no large order is suitable' }]);
  });

  it('says the size= limit sent a large order to order 0, and when the EOF shrinker made room', async () => {
    const full = recordModel(store, 'mount tmpfs huge=always size=16k\npwrite 0 4k\n');
    expect((await explain(store, full, 1)).allocations[0]!.tried.map((x) => [x.order, x.result])).toEqual([[9, 'size_limit'], [0, 'allocated']]);
    const shrunk = recordModel(store, 'mount tmpfs huge=always size=4m\npwrite 0 4k\nopen b\npwrite 0 4k\nopen c\npwrite 0 4k\n');
    const r = await explain(store, shrunk, 5);
    expect(r.allocations[0]!.tried[0]!.why).toBe('the highest suitable order (the size= limit had room once the EOF shrinker split 2 folios)');
    expect(r.splits.map((s) => [s.file, s.cause, s.at, s.ok])).toEqual([['b', 'size_limit', null, true], ['f', 'size_limit', null, true]]);
  });

  it('shares one explanation between folios allocated alike', async () => {
    const id = recordModel(store, 'mount tmpfs\npwrite 0 60k\n');
    const r = await explain(store, id, 1);
    expect(r.allocations).toHaveLength(1);
    expect(r.allocations[0]!.folios.map((f) => f.pgoff)).toEqual([...Array(15).keys()]);
    expect(chain(r.allocations[0]!)).toEqual(['allowable -: huge=never (tmpfs mount): none']);
  });
});

describe('explain: splits (kernel.md §3)', () => {
  it('names the pin that refused a punch\'s split: its count and the operation that took it', async () => {
    const id = recordModel(store, 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\n');
    const [s] = (await explain(store, id, 4)).splits;
    expect(s).toMatchObject({ cause: 'punch', at: 256, ok: false, pieces: [], folio: { pgoff: 0, order: 9 } });
    expect(s!.pins).toEqual({ count: 1, by: [{ i: 3, line: 4, op: 'pin 1m 4k', pins: 1 }] });
    expect(s!.refusal).toBe('refused: 1 pin on it, taken by i 3 (line 4: pin 1m 4k)');
  });

  it('names a punch as the cause of both splits and lists the pieces, those freed marked', async () => {
    const id = recordModel(store, text('301-punch-64k-at-1m'));
    const r = await explain(store, id, 2);
    expect(r.after).toEqual(truth('301-punch-64k-at-1m')[2]!.folios);
    expect(r.splits.map((s) => [`${s.folio.pgoff}:${s.folio.order}`, s.cause, s.at, s.ok])).toEqual([['0:9', 'punch', 256, true], ['272:4', 'punch', 272, true]]);
    expect(r.splits[0]!.pieces.filter((p) => p.freed).map((p) => `${p.pgoff}:${p.order}`)).toEqual(['256:0', '257:0', '258:1', '260:2', '264:3']);
    expect(r.splits[1]!.why).toBe('272:4 holds page 272, the first page after the punch: split again, to order 0 around it (even when the range ends on its boundary)');
  });

  it('names a truncate and the pieces past the new EOF it dropped', async () => {
    const id = recordModel(store, text('318-truncate-to-1m4k'));
    const r = await explain(store, id, 2);
    expect(r.after).toEqual(truth('318-truncate-to-1m4k')[2]!.folios);
    const [s] = r.splits;
    expect([s!.cause, s!.at, s!.ok]).toEqual(['truncate', 257, true]);
    expect(s!.pieces.filter((p) => !p.freed).map((p) => `${p.pgoff}:${p.order}`)).toEqual(['0:8', '256:0']);
  });

  it('names the EOF shrinker of a reclaim: a uniform split, what lies past EOF freed', async () => {
    const id = recordModel(store, 'mount tmpfs huge=always\npwrite 0 4k\nreclaim\n');
    const [s] = (await explain(store, id, 2)).splits;
    expect([s!.cause, s!.at, s!.ok, s!.pieces.length, s!.pieces.filter((p) => p.freed).length]).toEqual(['reclaim', null, true, 512, 511]);
  });

  it('names a fallocate undoing itself after ENOSPC', async () => {
    const id = recordModel(store, 'mount tmpfs huge=always size=3m\nfalloc 1m 3m\n');
    const r = await explain(store, id, 1);
    expect(r.splits.map((s) => [s.cause, s.at, s.ok])).toEqual([['unfalloc', 256, true]]);
    expect(r.allocations.at(-1)).toMatchObject({ folios: [], order: null, pgoff: 768 });
  });
});

describe('explain: collapses (kernel.md §6)', () => {
  it('names the folios MADV_COLLAPSE merged, and the empty block that ended the walk', async () => {
    const id = recordModel(store, 'mount tmpfs huge=never\npwrite 0 400k\ntruncate 4m\nmmap\nmadvise -c\n');
    const r = await explain(store, id, 4);
    expect(r.collapses.map((c) => [c.context, c.result, c.pages, c.folio?.order ?? null, c.from.length])).toEqual([
      ['MADV_COLLAPSE', 'collapsed', [0, 512], 9, 100], ['MADV_COLLAPSE', 'empty', [512, 1024], null, 0],
    ]);
    expect(r.collapses[0]!.why).toBe('100 of 512 pages present (412 filled with zeroes): 100 folios merged into one PMD folio');
  });

  it('names the pin that made a block EAGAIN, khugepaged\'s max_ptes_none, and a VMA too small', async () => {
    const pinned = recordModel(store, 'mount tmpfs huge=never\npwrite 0 400k\ntruncate 2m\nmmap\npin 0 4k\nmadvise -c\n');
    const [p] = (await explain(store, pinned, 5)).collapses;
    expect([p!.result, p!.why]).toEqual(['pinned', 'EAGAIN: folio 0:0 holds 1 pin, taken by i 4 (line 5: pin 0 4k)']);
    const few = recordModel(store, 'mount tmpfs huge=always\npwrite 0 2m\nmmap\nthp khugepaged.max_ptes_none=0\nfpunch 0 4k\nkhugepaged\n');
    const [k] = (await explain(store, few, 5)).collapses;
    expect([k!.context, k!.result, k!.why]).toEqual(['khugepaged', 'max_ptes_none', '511 of 512 pages present, khugepaged needs 512 (512 − max_ptes_none)']);
    const small = recordModel(store, 'mount tmpfs huge=never\npwrite 0 400k\nmmap\nmadvise -c\n');
    const [v] = (await explain(store, small, 3)).collapses;
    expect([v!.result, v!.pages]).toEqual(['vma_fit', [0, 100]]);
  });
});

describe('explain: what it cannot say, and mistakes', () => {
  it('says the kernel does not tell, with the layout it observed before and after', async () => {
    const name = '316-within-size-64k-punch-4k';
    const k = recordKernel(store, text(name), truth(name));
    const r = await explain(store, k, 2);
    expect(r).toMatchObject({ source: 'kernel', note: KERNEL_NOTE, allocations: [], splits: [], collapses: [] });
    expect([r.before, r.after]).toEqual([truth(name)[1]!.folios, truth(name)[2]!.folios]);
  });

  it('says an operation that allocated, split and collapsed nothing did nothing of the kind', async () => {
    const id = recordModel(store, 'mount tmpfs huge=always\npwrite 0 4k\nseek -h 0\n');
    expect(await explain(store, id, 2)).toMatchObject({ note: null, allocations: [], splits: [], collapses: [] });
  });

  it('refuses an OP out of range, an unknown run and an incomplete one', async () => {
    const id = recordModel(store, 'mount tmpfs\npwrite 0 4k\n');
    await expect(explain(store, id, 2)).rejects.toMatchObject({ code: 'E_EXPLAIN', message: `operation @2 is out of range: run ${id} has 2 operations (@0..@1)` });
    await expect(explain(store, 99, 0)).rejects.toMatchObject({ code: 'E_NO_RUN' });
    await expect(explain(store, recordIncomplete(store, 'mount tmpfs\n'), 0)).rejects.toMatchObject({ code: 'E_INCOMPLETE' });
  });
});

describe('explain over the corpus', () => {
  it('accounts, in every operation of every corpus script, for each folio allocated, each split tried and each collapse', async () => {
    // On PostgreSQL every third script: the same statements, a third of the round trips.
    const step = onPostgres ? 3 : 1;
    const scripts = readdirSync(CORPUS).filter((f) => /^\d{3}-.*\.fl$/.test(f)).sort().filter((_f, k) => k % step === 0);
    let ops = 0;
    for (const name of scripts) {
      const source = readFileSync(join(CORPUS, name), 'utf8');
      if (firstUnsupportedLine(parseScript(source, name))) continue;
      const id = recordModel(store, source, name);
      const run = await store.getRun(id);
      let prev = 0;
      for (const op of store.loadOperations(id)) {
        const r = await explain(store, id, op.i);
        const events = store.folioEvents(id, prev, op.lastSeq);
        prev = op.lastSeq;
        const allocated = events.filter((e) => e.event === EVENT_CODES.folio_added && e.parent === null && e.to === 1).map((e) => e.folio);
        expect(r.allocations.flatMap((a) => a.folios.map((f) => f.id)), `${name} @${op.i}`).toEqual(allocated);
        const tried = events.filter((e) => e.event === EVENT_CODES.folio_split || e.event === EVENT_CODES.folio_split_failed);
        expect(r.splits.map((s) => [s.folio.id, s.ok]), `${name} @${op.i}`).toEqual(tried.map((e) => [e.folio, e.event === EVENT_CODES.folio_split]));
        const collapsed = events.filter((e) => e.event === EVENT_CODES.folio_added && e.to === 5).map((e) => e.folio);
        expect(r.collapses.filter((c) => c.result === 'collapsed').map((c) => c.folio!.id), `${name} @${op.i}`).toEqual(collapsed);
        expect(r.note, `${name} @${op.i}`).toBeNull();
        ops++;
      }
      expect(run.status, name).toBe('complete');
    }
    expect(ops).toBeGreaterThan(1500 / step);
  });
});
