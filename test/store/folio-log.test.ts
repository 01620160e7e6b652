import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGE_FOLIOS_SQL, RANGE_EVENTS_SQL } from '../../src/store/folio-log.js';
import { type FolioRecord, openStore } from '../../src/store/index.js';
import { recordModel } from '../query/_runs.js';
import { onPostgres, storeAt, useBackend } from './_backend.js';
import { tempDir } from './_helpers.js';

useBackend();

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** SQLite's plan for `text`, its parameters bound to 1. */
function plan(path: string, text: string): string[] {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const stmt = db.prepare(`explain query plan ${text}`);
    const n = (text.match(/\?/g) ?? []).length;
    return (stmt.all(...Array<number>(n).fill(1)) as Array<{ detail: string }>).map((r) => r.detail);
  } finally {
    db.close();
  }
}

describe('FolioLog reads', () => {
  it.skipIf(onPostgres)('finds the folios over a page through folios_by_page and reads events by the primary key only', async () => {
    const path = tmp.file('s.db');
    const store = await openStore(path, 'create');
    recordModel(store, 'mount tmpfs huge=within_size\npwrite 0 60k\nfpunch 4k 4k\n');
    await store.close();
    expect(plan(path, PAGE_FOLIOS_SQL)).toContainEqual(expect.stringMatching(/^SEARCH f USING INDEX folios_by_page \(run_id=\? AND file=\? AND pgoff=\?\)/));
    expect(plan(path, RANGE_EVENTS_SQL)).toEqual(['SEARCH events USING PRIMARY KEY (run_id=? AND seq>? AND seq<?)']);
  });

  it('reads exactly the folios\' events by their stored seqs, however long they lived', async () => {
    const store = await openStore(await storeAt(tmp.file('s.db')), 'create');
    const id = recordModel(store, 'mount tmpfs huge=always\npwrite 0 2m\nfpunch 1m 64k\n');
    const log = store.folioLog(id);
    const [parent, piece] = [log.folio(1)!, log.coveringPage(1, 384).at(-1)!];
    expect(parent.eventSeqs).toHaveLength(4);
    const { events, cost } = log.eventsOf([piece, parent], (await store.getRun(id)).events);
    expect(events.map((e) => e.folio)).toEqual([1, 1, 1, 1, piece.id, piece.id]);
    expect(cost).toEqual({ ranges: 1, read: 6 });
    await store.close();
  });

  it('merges overlapping and adjacent lifetimes of a run without stored seqs, reading each range of the log once', async () => {
    const store = await openStore(await storeAt(tmp.file('m.db')), 'create');
    // A split: folio 1 ends at its folio_split, its pieces are born right after it.
    const id = recordModel(store, 'mount tmpfs huge=always\npwrite 0 2m\nfpunch 1m 64k\n');
    const log = store.folioLog(id);
    const legacy = (f: FolioRecord): FolioRecord => ({ ...f, eventSeqs: null });
    const [parent, piece] = [legacy(log.folio(1)!), legacy(log.coveringPage(1, 384).at(-1)!)];
    expect(piece).toMatchObject({ parent: 1, pgoff: 384, order: 7 });
    const { events, cost } = log.eventsOf([piece, parent], (await store.getRun(id)).events);
    expect(events.map((e) => e.folio)).toEqual([1, 1, 1, 1, piece.id, piece.id]);
    expect(cost).toEqual({ ranges: 2, read: parent.endedSeq! - parent.bornSeq + 1 + (await store.getRun(id)).events - piece.bornSeq + 1 });
    await store.close();
  });
});
