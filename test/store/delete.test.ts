import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Store, isStoreError, openStore } from '../../src/store/index.js';
import { onPostgres, storeAt, useBackend } from './_backend.js';
import { CLOCK, meta, tempDir } from './_helpers.js';
import { recordRun } from './_stream.js';

const CHILDREN = ['files', 'operations', 'folios', 'events', 'checkpoints', 'explanations', 'operation_blocks'] as const;

useBackend();

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let at: string;
beforeEach(async () => {
  tmp = tempDir();
  at = await storeAt(tmp.file('s.db'));
  store = await openStore(at, 'create');
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

/** Rows of run `id` in every child table, by table. */
async function rowsOf(id: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of CHILDREN) {
    const { n } = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', id).executeTakeFirstOrThrow();
    counts[table] = n;
  }
  return counts;
}

const ids = async (): Promise<number[]> => (await store.listRuns()).map((r) => r.id);

describe('Store.deleteRuns', () => {
  it('deletes a complete run with all its rows and leaves the other runs whole', async () => {
    const [a, b, c] = [recordRun(store, 20_000, { seed: 1 }), recordRun(store, 20_000, { seed: 2 }), recordRun(store, 5_000, { seed: 3 })];
    const [keptA, keptC] = [await rowsOf(a), await rowsOf(c)];
    expect((await rowsOf(b)).checkpoints).toBeGreaterThan(0);
    expect((await rowsOf(b)).explanations).toBeGreaterThan(0);
    expect((await rowsOf(b)).operation_blocks).toBeGreaterThan(0);
    expect(store.deleteRuns([b])).toEqual([{ id: b, status: 'complete', events: 20_000 }]);
    expect(await ids()).toEqual([a, c]);
    expect(await rowsOf(b)).toEqual({ files: 0, operations: 0, folios: 0, events: 0, checkpoints: 0, explanations: 0, operation_blocks: 0 });
    expect([await rowsOf(a), await rowsOf(c)]).toEqual([keptA, keptC]);
  });

  it('deletes an incomplete run, the events its writer flushed before it stopped included', async () => {
    const done = recordRun(store, 100);
    const killed = recordRun(store, 2_500, { batchSize: 1_000, finish: false });
    expect((await store.getRun(killed)).status).toBe('incomplete');
    expect((await rowsOf(killed)).events).toBe(2_000);
    expect(store.deleteRuns([killed])).toEqual([{ id: killed, status: 'incomplete', events: 2_000 }]);
    expect(await ids()).toEqual([done]);
    expect((await rowsOf(killed)).events).toBe(0);
  });

  it('deletes several runs at once, each once however often named', async () => {
    const [a, b, c] = [recordRun(store, 10), recordRun(store, 10), recordRun(store, 10)];
    expect(store.deleteRuns([c, a, c]).map((r) => r.id)).toEqual([c, a]);
    expect(await ids()).toEqual([b]);
  });

  it('deletes nothing when one id is unknown, and names every unknown id', async () => {
    const [a, b] = [recordRun(store, 10), recordRun(store, 10)];
    const kept = await rowsOf(a);
    const error: unknown = (() => { try { return store.deleteRuns([a, 7, b, 9]); } catch (e) { return e; } })();
    expect(isStoreError(error, 'E_NO_RUN')).toBe(true);
    expect((error as Error).message).toBe('no runs 7, 9: nothing deleted');
    expect(await ids()).toEqual([a, b]);
    expect(await rowsOf(a)).toEqual(kept);
  });

  it('never reuses the id of a deleted run, even the last one, even after VACUUM', async () => {
    const [a, b] = [recordRun(store, 10), recordRun(store, 10)];
    store.deleteRuns([b]);
    const c = recordRun(store, 10);
    store.deleteRuns([c]);
    store.vacuum();
    expect([a, b, c, recordRun(store, 10)]).toEqual([1, 2, 3, 4]);
  });

  it('stops a writer whose run is deleted while it records, with E_NO_RUN', async () => {
    const writer = store.beginRun(meta(), CLOCK);
    const other = await openStore(at, 'existing');
    try {
      expect(other.deleteRuns([writer.runId])).toEqual([{ id: writer.runId, status: 'incomplete', events: 0 }]);
    } finally {
      await other.close();
    }
    writer.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
    expect(() => writer.finish('complete')).toThrowError(expect.objectContaining({ code: 'E_NO_RUN', message: `run ${writer.runId} was deleted while it was being recorded` }));
    expect(await ids()).toEqual([]);
  });

  it('refuses to delete through a read-only store', async () => {
    recordRun(store, 10);
    const reader = await openStore(at, 'readonly');
    try {
      expect(() => reader.deleteRuns([1])).toThrowError(expect.objectContaining({ code: 'E_READONLY' }));
      expect(() => reader.vacuum()).toThrowError(expect.objectContaining({ code: 'E_READONLY' }));
    } finally {
      await reader.close();
    }
  });
});

// SQLite's own catalogue and query plans; PostgreSQL's cascades are checked by the deletes above.
describe.skipIf(onPostgres)('cascading deletes', () => {
  it('reach every table referencing runs through a key that starts with run_id, never a scan of other runs', async () => {
    const { rows: fks } = await sql<{ child: string; column: string; onDelete: string }>`select m.name as child,
      f."from" as "column", f.on_delete as "onDelete" from sqlite_master m, pragma_foreign_key_list(m.name) f
      where m.type = 'table' and f."table" = 'runs' order by m.name`.execute(store.db);
    expect(fks.map((f) => f.child)).toEqual([...CHILDREN].sort());
    for (const { child, column, onDelete } of fks) {
      expect([child, column, onDelete]).toEqual([child, 'run_id', 'CASCADE']);
      // The statement the cascade runs for each deleted run, planned the same way, with the
      // foreign-key checks it triggers (files → operations, folios).
      const { rows } = await sql<{ detail: string }>`explain query plan delete from ${sql.table(child)} where run_id = 1`.execute(store.db);
      expect(rows.length).toBeGreaterThan(0);
      for (const { detail } of rows) expect(detail).toMatch(/^SEARCH \w+ USING (PRIMARY KEY|COVERING INDEX \w+) \(run_id=\?\)$/);
    }
  });
});

describe('Store.vacuum', () => {
  it.skipIf(onPostgres)('gives the space of deleted runs back: the file shrinks', async () => {
    const [big, small] = [recordRun(store, 60_000), recordRun(store, 100, { seed: 2 })];
    store.vacuum();
    const full = statSync(tmp.file('s.db')).size;
    store.deleteRuns([big]);
    const { before, after } = store.vacuum();
    expect(after).toBeLessThan(before / 4);
    const shrunk = statSync(tmp.file('s.db')).size;
    expect(shrunk).toBeLessThan(full / 4);
    expect(shrunk).toBe(after);
    expect(statSync(tmp.file('s.db-wal')).size).toBe(0);
    expect(await ids()).toEqual([small]);
  });

  // PostgreSQL's VACUUM keeps the space for new rows: its database can grow by its maps.
  it.skipIf(onPostgres)('runs on a store with nothing to give back', () => {
    store.beginRun(meta(), CLOCK).finish('complete');
    const { before, after } = store.vacuum();
    // VACUUM rebuilds a freshly migrated store in another page order, which may take one page
    // more than the migrations' own layout (35 → 36 pages once migration 0011 is in).
    expect(after).toBeLessThanOrEqual(before + 4096);
  });
});
