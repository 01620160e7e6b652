import { describe, expect, it } from 'vitest';
import { at, history, type HistoryRow } from '../../src/query/index.js';
import { simulateText } from '../../src/sim/index.js';
import type { Store } from '../../src/store/index.js';
import { onPostgres, useBackend } from '../store/_backend.js';
import { freshStorePerTest } from '../store/_helpers.js';
import { corpusText, corpusTruth, recordIncomplete, recordKernel, recordModel } from './_runs.js';

const truth = corpusTruth;
const text = corpusText;

/**
 * Page 400 goes through all four: 0:9 fails to split while page 256 is pinned, splits once
 * unpinned (page 400 lands in the piece 384:7), that piece fails to split under the truncate
 * to 1700k (page 400 pinned) and becomes the EOF folio the shrinker would split, and
 * MADV_COLLAPSE folds the block back into one 0:9.
 */
const FOUR_WAYS = [
  'mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 1m 4k', 'fpunch 1m 64k', 'unpin', 'fpunch 1m 64k',
  'pin 1600k 4k', 'truncate 1700k', 'unpin', 'madvise -c 0 2m',
].join('\n') + '\n';

/** `[seq, i, folio, pgoff, order, event, from, to, parent, into]` of each row. */
const brief = (rows: readonly HistoryRow[]): unknown[][] =>
  rows.map((r) => [r.seq, r.i, r.folio, r.pgoff, r.order, r.event.replace(/^folio_/, ''), r.from, r.to, r.parent, r.into]);

let store: Store;
useBackend();
freshStorePerTest((s) => {
  store = s;
});

describe('history --pgoff', () => {
  it('lists each transition of a page through a failed split, a split, a reclaim mark and a collapse, with parents', async () => {
    const id = recordModel(store, FOUR_WAYS);
    // The steps as the model reports them.
    const obs = simulateText(FOUR_WAYS);
    expect(obs[4]!.stats).toEqual({ '2048kB': { split_failed: 1 } });
    expect(await at(store, id, { op: 4 }, { pgoff: [400, 400] })).toMatchObject({ folios: [[0, 9, 1]], states: ['split-failed'], pinned: [1] });
    expect(obs[6]!.stats).toEqual({ '2048kB': { split: 1 }, '64kB': { split: 1 } });
    expect(await at(store, id, { op: 6 }, { pgoff: [400, 400] })).toMatchObject({ folios: [[384, 7, 1]], states: ['allocated'] });
    expect(obs[8]!.stats).toEqual({ '512kB': { split_failed: 1 } });
    expect(await at(store, id, { op: 8 }, { pgoff: [400, 400] })).toMatchObject({ folios: [[384, 7, 1]], states: ['reclaim-candidate'], pinned: [1] });
    expect(await at(store, id, { op: 10 }, {})).toMatchObject({ folios: [[0, 9, 1]], states: ['reclaim-candidate'] });

    const h = await history(store, id, { pgoff: 400 });
    expect(h).toMatchObject({ run: id, file: 'f', pgoff: 400, folio: null, folios: 3 });
    expect(brief(h.rows)).toEqual([
      [3, 1, 1, 0, 9, 'added', null, 'allocated', null, null],
      [4, 1, 1, 0, 9, 'marked_uptodate', 'allocated', 'allocated', null, null],
      [6, 3, 1, 0, 9, 'pinned', 'allocated', 'allocated', null, null],
      [7, 4, 1, 0, 9, 'zeroed', 'allocated', 'partially-punched', null, null],
      [8, 4, 1, 0, 9, 'split_failed', 'partially-punched', 'split-failed', null, null],
      [9, 5, 1, 0, 9, 'unpinned', 'split-failed', 'split-failed', null, null],
      [10, 6, 1, 0, 9, 'zeroed', 'split-failed', 'partially-punched', null, null],
      [11, 6, 1, 0, 9, 'split', 'partially-punched', 'split', null, [11]],
      [30, 6, 11, 384, 7, 'added', null, 'allocated', 1, null],
      [31, 6, 11, 384, 7, 'marked_uptodate', 'allocated', 'allocated', 1, null],
      [48, 7, 11, 384, 7, 'pinned', 'allocated', 'allocated', 1, null],
      [50, 8, 11, 384, 7, 'zeroed', 'allocated', 'partially-punched', 1, null],
      [51, 8, 11, 384, 7, 'split_failed', 'partially-punched', 'split-failed', 1, null],
      [52, 8, 11, 384, 7, 'reclaim_marked', 'split-failed', 'reclaim-candidate', 1, null],
      [53, 9, 11, 384, 7, 'unpinned', 'reclaim-candidate', 'reclaim-candidate', 1, null],
      [54, 10, 17, 0, 9, 'added', null, 'collapsed', null, null],
      [63, 10, 11, 384, 7, 'collapsed', 'reclaim-candidate', 'collapsed-into', 1, [17]],
      [64, 10, 17, 0, 9, 'marked_uptodate', 'collapsed', 'collapsed', null, null],
      [65, 10, 17, 0, 9, 'reclaim_marked', 'collapsed', 'reclaim-candidate', null, null],
    ]);
    expect(h.rows.map((r) => `${r.line}: ${r.op}`)).toContain('9: truncate 1700k');
    expect(h.rows[0]).toMatchObject({ line: 2, op: 'pwrite 0 2m' });
    // Folio 1 lives over seqs 3..11; folios 11 (30..63) and 17 (54..65) overlap and are read once.
    // Exactly the 19 events shown, read by their seqs (folios.events).
    expect(h.cost).toEqual({ ranges: 1, read: 19, events: 65 });
  });

  it('uses the file current at the end of the run, or the one --file names', async () => {
    const id = recordModel(store, 'mount tmpfs huge=within_size\npwrite 0 60k\nopen g\npwrite 0 8k\n');
    expect(await history(store, id, { pgoff: 1 })).toMatchObject({ file: 'g', rows: [{ folio: 5, pgoff: 0, order: 1 }, { folio: 5 }] });
    expect(await history(store, id, { pgoff: 9, file: 'f' })).toMatchObject({ file: 'f', rows: [{ folio: 2, pgoff: 8, order: 2 }, { folio: 2 }] });
    expect((await history(store, id, { pgoff: 9, file: '#1' })).file).toBe('f');
  });

  it('reads a kernel run through its inferred split and collapse', async () => {
    const split = recordKernel(store, text('301-punch-64k-at-1m'), truth('301-punch-64k-at-1m'));
    expect(brief((await history(store, split, { pgoff: 275 })).rows)).toEqual([
      [3, 1, 1, 0, 9, 'added', null, 'allocated', null, null],
      [4, 1, 1, 0, 9, 'marked_uptodate', 'allocated', 'allocated', null, null],
      [6, 2, 1, 0, 9, 'split', 'allocated', 'split', null, [5]],
      [13, 2, 5, 274, 1, 'added', null, 'allocated', 1, null],
      [14, 2, 5, 274, 1, 'marked_uptodate', 'allocated', 'allocated', 1, null],
    ]);
    const collapse = recordKernel(store, text('602-collapse-mthp-folios'), truth('602-collapse-mthp-folios'));
    const rows = (await history(store, collapse, { pgoff: 20 })).rows;
    expect(rows.map((r) => [r.folio, r.event, r.into])).toEqual([
      [2, 'folio_added', null], [2, 'folio_marked_uptodate', null], [33, 'folio_added', null],
      [2, 'folio_collapsed', [33]], [33, 'folio_marked_uptodate', null],
    ]);
  });

  it('finds exactly the events a scan of the whole log finds, for every page of a random run', async () => {
    const name = '931-random-full-seed-101';
    const id = recordModel(store, text(name), `${name}.fl`);
    const run = await store.getRun(id);
    const all = store.readEvents(id, 0, run.events);
    const folios = await store.db.selectFrom('folios').selectAll().where('run_id', '=', id).execute();
    const last = Math.max(...folios.map((f) => f.pgoff + 2 ** f.order));
    const { file } = await store.db.selectFrom('operations').select('file').where('run_id', '=', id).where('i', '=', run.ops - 1).executeTakeFirstOrThrow();
    // On PostgreSQL every fourth page: the same statements, a quarter of the round trips.
    for (let page = 0; page < last; page += onPostgres ? 4 : 1) {
      const over = new Set(folios.filter((f) => f.file === file && f.pgoff <= page && page < f.pgoff + 2 ** f.order).map((f) => f.id));
      if (over.size === 0) continue;
      const h = await history(store, id, { pgoff: page });
      expect(h.rows.map((r) => r.seq), `page ${page}`).toEqual(all.filter((e) => e.folio !== null && over.has(e.folio)).map((e) => e.seq));
      expect(h.cost.read).toBeLessThanOrEqual(folios.filter((f) => over.has(f.id)).reduce((n, f) => n + (f.ended_seq ?? run.events) - f.born_seq + 1, 0));
    }
  });
});

describe('history --folio', () => {
  it('names a split piece\'s parents, nearest first, and the pieces of a split', async () => {
    const id = recordModel(store, FOUR_WAYS);
    // Folio 8 (272:4) is a piece of 1 split again by the same punch; 12 is one of its pieces.
    const h = await history(store, id, { folio: 12 });
    expect(h.folio).toEqual({ id: 12, pgoff: 272, order: 0, parents: [{ id: 8, pgoff: 272, order: 4 }, { id: 1, pgoff: 0, order: 9 }], collapsedFrom: [] });
    expect(h.rows.every((r) => r.parent === 8)).toBe(true);
    const one = await history(store, id, { folio: 1 });
    expect(one.folio?.parents).toEqual([]);
    expect(one.rows.at(-1)).toMatchObject({ event: 'folio_split', into: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
  });

  it('names the folio a collapsed folio went into, and the folios a collapse target came from', async () => {
    const id = recordModel(store, FOUR_WAYS);
    const piece = await history(store, id, { folio: 11 });
    expect(piece.rows.at(-1)).toMatchObject({ seq: 63, event: 'folio_collapsed', to: 'collapsed-into', into: [17], parent: 1 });
    const target = await history(store, id, { folio: 17 });
    expect(target.folio).toMatchObject({ parents: [], collapsedFrom: [2, 9, 10, 11, 12, 13, 14, 15, 16] });
    expect(target.rows.map((r) => r.event)).toEqual(['folio_added', 'folio_marked_uptodate', 'folio_reclaim_marked']);
  });
});

describe('history errors', () => {
  it('names an unknown folio, a page never cached, an unknown file, an unknown and an incomplete run', async () => {
    const id = recordModel(store, 'mount tmpfs\npwrite 0 4k\n');
    await expect(history(store, id, { folio: 9 })).rejects.toMatchObject({ code: 'E_HISTORY', message: `run ${id} has no folio 9 (its folios are 1..1)` });
    await expect(history(store, id, { pgoff: 1 })).rejects.toMatchObject({ code: 'E_HISTORY', message: 'page 1 of file f was never in the page cache' });
    await expect(history(store, id, { pgoff: 0, file: 'g' })).rejects.toMatchObject({ code: 'E_HISTORY', message: 'run has no file g (files: #1 f)' });
    await expect(history(store, 99, { pgoff: 0 })).rejects.toMatchObject({ code: 'E_NO_RUN' });
    await expect(history(store, recordIncomplete(store, 'mount tmpfs\n'), { pgoff: 0 })).rejects.toMatchObject({ code: 'E_INCOMPLETE' });
    const none = recordModel(store, 'thp shmem_enabled=never\n');
    await expect(history(store, none, { pgoff: 0 })).rejects.toMatchObject({ code: 'E_HISTORY', message: `run ${none} ended with no current file: name one with --file (files: none)` });
    await expect(history(store, none, { folio: 1 })).rejects.toMatchObject({ message: `run ${none} has no folio 1 (it has no folios)` });
  });
});
