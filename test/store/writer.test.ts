import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_CODES } from '../../src/model/events.js';
import { type EventRow, type Store, BATCH_OPERATIONS, CHECKPOINT_INTERVAL, isStoreError, openStore } from '../../src/store/index.js';
import { decodeEventSeqs } from '../../src/store/event-seqs.js';
import { storeAt, useBackend } from './_backend.js';
import { CLOCK, expectedHash, meta, tempDir } from './_helpers.js';
import { eventStream } from './_stream.js';

const BIG = 2n ** 62n + 3n;

useBackend();

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(async () => {
  tmp = tempDir();
  store = await openStore(await storeAt(tmp.file('w.db')), 'create');
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

/** Write `n` generated events over two files, one operation per command index. */
function writeRun(n: number, name = 't.fl', batchSize?: number): { rows: EventRow[]; runId: number; writer: ReturnType<Store['beginRun']> } {
  const writer = store.beginRun(meta(name), CLOCK, batchSize === undefined ? {} : { batchSize });
  writer.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
  writer.file({ id: 2, name: 'g', mount: 1, kind: 'tmpfs' });
  const rows: EventRow[] = [];
  let op = 0;
  for (const { row, extra } of eventStream(n)) {
    while (op < row.i) writer.operation({ i: op, line: op + 1, op: `pwrite ${op}`, ret: 4096n, size: 4096n, blocks: 8n, stats: {}, file: 1 }), op++;
    writer.event(row, extra);
    rows.push(row);
  }
  return { rows, runId: writer.runId, writer };
}

describe('RunWriter.finish', () => {
  it('marks a run complete with its event and operation counts and the event-log hash', async () => {
    const { rows, runId, writer } = writeRun(25_000);
    const summary = writer.finish('complete');
    expect(summary).toEqual({ runId, events: rows.length, ops: rows.at(-1)!.i, hash: expectedHash(rows) });
    const run = await store.requireFinishedRun(runId);
    expect(run).toMatchObject({ status: 'complete', failure: null, events: rows.length, ops: summary.ops, eventHash: summary.hash });
    expect(run).toMatchObject({ createdAt: '2025-01-02T03:04:05.000Z', checkpointInterval: CHECKPOINT_INTERVAL, source: 'model' });
    const count = await store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow();
    expect(count.n).toBe(rows.length);
    const checkpoints = await store.db.selectFrom('checkpoints').select('seq').where('run_id', '=', runId).execute();
    // Every K events: the stream's live set stays below K.
    expect(checkpoints.map((c) => c.seq)).toEqual(Array.from({ length: Math.floor(rows.length / CHECKPOINT_INTERVAL) }, (_, n) => (n + 1) * CHECKPOINT_INTERVAL));
  });

  it('keeps a failed run with its one-line failure', async () => {
    const { runId, writer } = writeRun(100);
    writer.finish('failed', 'oracle: folio 3 overlaps folio 4\n  at pwrite 0 4k');
    expect(await store.requireFinishedRun(runId)).toMatchObject({ status: 'failed', failure: 'oracle: folio 3 overlaps folio 4 at pwrite 0 4k' });
  });

  it('refuses every write after finish', () => {
    const { writer } = writeRun(10);
    writer.finish('complete');
    expect(() => writer.event({ seq: 99, i: 0, folio: null, event: 22, from: null, to: null, arg: 0 })).toThrowError(expect.objectContaining({ code: 'E_WRITER_CLOSED' }));
  });
});

describe('RunWriter.interrupt', () => {
  it('flushes every pending row and leaves the run incomplete, with its counts and no hash', async () => {
    const { rows, runId, writer } = writeRun(23_000);
    expect((await store.getRun(runId)).events).toBe(20_000); // two batches flushed, 3,000 events pending
    const left = writer.interrupt();
    expect(left).toEqual({ runId, events: rows.length, ops: rows.at(-1)!.i });
    expect(await store.getRun(runId)).toMatchObject({ status: 'incomplete', events: rows.length, ops: left.ops, eventHash: null });
    expect(store.readEvents(runId, 0, 1e9).map((e) => e.seq)).toEqual(rows.map((r) => r.seq));
    expect(store.loadOperations(runId).map((o) => o.i)).toEqual(Array.from({ length: left.ops }, (_, i) => i));
    expect(isStoreError(await store.requireFinishedRun(runId).catch((e: unknown) => e), 'E_INCOMPLETE')).toBe(true);
  });

  it('refuses every write, and finish, after an interrupt', () => {
    const { writer } = writeRun(10);
    writer.interrupt();
    expect(() => writer.finish('complete')).toThrowError(expect.objectContaining({ code: 'E_WRITER_CLOSED' }));
    expect(() => writer.interrupt()).toThrowError(expect.objectContaining({ code: 'E_WRITER_CLOSED' }));
  });
});

describe('a writer that never finishes', () => {
  it('leaves its run incomplete, refused by requireFinishedRun, and earlier runs intact', async () => {
    const first = writeRun(12_000, 'first.fl');
    const done = first.writer.finish('complete');
    const killed = writeRun(23_000, 'killed.fl');
    const runs = await store.listRuns();
    expect(runs.map((r) => [r.id, r.status])).toEqual([[done.runId, 'complete'], [killed.runId, 'incomplete']]);
    expect(runs[1]!.events).toBe(20_000);
    const error: unknown = await store.requireFinishedRun(killed.runId).catch((e: unknown) => e);
    expect(isStoreError(error, 'E_INCOMPLETE')).toBe(true);
    expect((error as Error).message).toBe(`run ${killed.runId} is incomplete (its writer stopped before finishing)`);
    expect(await store.requireFinishedRun(done.runId)).toMatchObject({ status: 'complete', events: done.events, eventHash: done.hash });
    expect(store.readEvents(done.runId, 0, 1e9).map((e) => e.seq)).toHaveLength(done.events);
  });

  it('refuses an unknown run with E_NO_RUN', async () => {
    await expect(store.getRun(404)).rejects.toMatchObject({ code: 'E_NO_RUN', message: 'no run 404' });
    expect(() => store.loadOperations(404)).toThrowError(expect.objectContaining({ code: 'E_NO_RUN' }));
  });

  it('never reuses a run id, even after the last run is deleted', async () => {
    const a = writeRun(5, 'a.fl').writer.finish('complete').runId;
    await store.db.deleteFrom('events').where('run_id', '=', a).execute();
    await store.db.deleteFrom('folios').where('run_id', '=', a).execute();
    await store.db.deleteFrom('operations').where('run_id', '=', a).execute();
    await store.db.deleteFrom('files').where('run_id', '=', a).execute();
    await store.db.deleteFrom('runs').where('id', '=', a).execute();
    expect(writeRun(5, 'b.fl').runId).toBeGreaterThan(a);
  });
});

describe('RunWriter.event', () => {
  it('inserts a folio at birth and sets ended_seq and ended_state when an event ends it', async () => {
    const w = store.beginRun(meta(), CLOCK);
    w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
    w.event({ seq: 1, i: 0, folio: 1, event: EVENT_CODES.folio_added, from: null, to: 1, arg: 9 }, { born: { file: 1, pgoff: 512, order: 9, parent: null } });
    w.event({ seq: 2, i: 0, folio: 1, event: EVENT_CODES.folio_split, from: 1, to: 6, arg: 0 }, { ended: true });
    w.event({ seq: 3, i: 0, folio: 2, event: EVENT_CODES.folio_added, from: null, to: 1, arg: 0 }, { born: { file: 1, pgoff: 512, order: 0, parent: 1 } });
    w.finish('complete');
    const folios = await store.db.selectFrom('folios').selectAll().where('run_id', '=', w.runId).orderBy('id').execute();
    expect(folios.map(({ run_id: _r, events: _e, ...f }) => f)).toEqual([
      { id: 1, file: 1, pgoff: 512, order: 9, parent: null, born_seq: 1, ended_seq: 2, ended_state: 6, inferred: 0 },
      { id: 2, file: 1, pgoff: 512, order: 0, parent: 1, born_seq: 3, ended_seq: null, ended_state: null, inferred: 0 },
    ]);
    // Each folio's event seqs after its birth, as varint deltas: folio 1's split at seq 2 (+1);
    // folio 2, still live, none.
    expect(folios.map((f) => [...(f.events ?? [])])).toEqual([[1], []]);
  });

  it('ends a folio born in an earlier batch', async () => {
    const w = store.beginRun(meta(), CLOCK, { batchSize: 1 });
    w.file({ id: 1, name: 'f', mount: 1, kind: 'memfd' });
    w.event({ seq: 1, i: 0, folio: 7, event: EVENT_CODES.folio_added, from: null, to: 1, arg: null }, { born: { file: 1, pgoff: 0, order: 0, parent: null } });
    w.event({ seq: 2, i: 1, folio: 7, event: EVENT_CODES.folio_removed, from: 1, to: 7, arg: null }, { ended: true });
    w.finish('complete');
    const f = await store.db.selectFrom('folios').selectAll().where('run_id', '=', w.runId).executeTakeFirstOrThrow();
    expect([f.ended_seq, f.ended_state]).toEqual([2, 7]);
  });

  it.each([1, 7, 10_000])('stores each folio\'s event seqs whole, in batches of %i events, however many batches it lived through', async (batchSize) => {
    const { rows, runId, writer } = writeRun(3_000, 't.fl', batchSize);
    writer.finish('complete');
    const expected = new Map<number, number[]>();
    for (const r of rows) if (r.folio !== null) expected.set(r.folio, [...(expected.get(r.folio) ?? []), r.seq]);
    const stored = new Map((await store.db.selectFrom('folios').select(['id', 'born_seq', 'events']).where('run_id', '=', runId).execute())
      .map((f) => [f.id, decodeEventSeqs(f.born_seq, f.events!)]));
    expect(stored).toEqual(expected);
    expect([...expected.values()].some((seqs) => seqs.length > 3 && seqs.at(-1)! - seqs[0]! > batchSize)).toBe(batchSize < 10_000);
  });

  it('writes operation rows every 1,000 operations even when few events come, so a long run holds none in memory', async () => {
    const w = store.beginRun(meta(), CLOCK);
    w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
    const stored = async (): Promise<number> => (await store.db.selectFrom('operations').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', w.runId).executeTakeFirstOrThrow()).n;
    for (let i = 0; i < 2_500; i++) w.operation({ i, line: i + 1, op: 'seek -h 0', ret: 0n, size: 0n, blocks: 0n, stats: {}, file: 1 });
    expect(await stored()).toBe(2 * BATCH_OPERATIONS);
    expect((await store.getRun(w.runId)).ops).toBe(2 * BATCH_OPERATIONS);
    w.finish('complete');
    expect(await stored()).toBe(2_500);
  });

  it('fails with E_SEQ_CONFLICT when another writer already stored that seq, leaving the run incomplete', async () => {
    const w = store.beginRun(meta(), CLOCK);
    await store.db.insertInto('events').values({ run_id: w.runId, seq: 1, i: 0, folio: null, event: 22, from_state: null, to_state: null, arg: 0 }).execute();
    w.event({ seq: 1, i: 0, folio: null, event: 22, from: null, to: null, arg: 0 });
    expect(() => w.finish('complete')).toThrowError(expect.objectContaining({ code: 'E_SEQ_CONFLICT' }));
    expect((await store.getRun(w.runId)).status).toBe('incomplete');
  });

  it('refuses a seq gap and an event naming a folio that is not live', () => {
    const w = store.beginRun(meta(), CLOCK);
    expect(() => w.event({ seq: 2, i: 0, folio: null, event: 22, from: null, to: null, arg: 1 })).toThrowError(expect.objectContaining({ code: 'E_BAD_EVENT' }));
    expect(() => w.event({ seq: 1, i: 0, folio: 5, event: 2, from: 1, to: null, arg: null })).toThrowError(expect.objectContaining({ code: 'E_BAD_EVENT' }));
  });

  it('round-trips 64-bit values exactly: arg, ret, size and blocks of 2^62+3', () => {
    const w = store.beginRun(meta(), CLOCK);
    w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
    w.event({ seq: 1, i: 0, folio: null, event: EVENT_CODES.i_size_changed, from: null, to: null, arg: BIG });
    w.operation({ i: 0, line: 2, op: 'truncate 0x4000000000000003', ret: BIG, size: BIG, blocks: BIG, stats: {}, file: 1 });
    w.event({ seq: 2, i: 1, folio: null, event: EVENT_CODES.i_size_changed, from: null, to: null, arg: -(2n ** 63n) });
    w.operation({ i: 1, line: 3, op: 'seek -d 0', ret: 'ENXIO', size: BIG, blocks: 0n, stats: { '64kB': { split: 1 } }, data: [[0, 4096, 0]], file: 1 });
    const { hash } = w.finish('complete');
    expect(store.readEvents(w.runId, 0, 2).map((e) => e.arg)).toEqual([BIG, -(2n ** 63n)]);
    expect(hash).toBe(expectedHash([
      { seq: 1, i: 0, folio: null, event: 22, from: null, to: null, arg: BIG },
      { seq: 2, i: 1, folio: null, event: 22, from: null, to: null, arg: -(2n ** 63n) },
    ]));
    expect(store.loadOperations(w.runId)).toEqual([
      { i: 0, line: 2, op: 'truncate 0x4000000000000003', task: null, ret: BIG, size: BIG, blocks: BIG, stats: {}, data: null, folios: null, blind: null, file: 1, lastSeq: 1, layout: null, resident: 0 },
      { i: 1, line: 3, op: 'seek -d 0', task: null, ret: 'ENXIO', size: BIG, blocks: 0n, stats: { '64kB': { split: 1 } }, data: [[0, 4096, 0]], folios: null, blind: null, file: 1, lastSeq: 2, layout: null, resident: 0 },
    ]);
  });

  it('keeps §2 folios and blind, and marks folios inferred, for kernel runs only', async () => {
    for (const source of ['model', 'kernel'] as const) {
      const w = store.beginRun(meta('k.fl', { source, kernelRelease: source === 'kernel' ? '6.18.0' : null }), CLOCK);
      w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
      w.event({ seq: 1, i: 0, folio: 1, event: 1, from: null, to: 1, arg: null }, { born: { file: 1, pgoff: 0, order: 0, parent: null } });
      w.operation({ i: 0, line: 1, op: 'pwrite 0 4k', ret: 4096n, size: 4096n, blocks: 8n, stats: {}, folios: [[0, 0, 1]], blind: [[3, 1]], file: 1, task: 'A' });
      w.finish('complete');
      const [op] = store.loadOperations(w.runId);
      const kernel = source === 'kernel';
      expect([op?.folios, op?.blind, op?.task]).toEqual(kernel ? [[[0, 0, 1]], [[3, 1]], 'A'] : [null, null, 'A']);
      const f = await store.db.selectFrom('folios').select('inferred').where('run_id', '=', w.runId).executeTakeFirstOrThrow();
      expect(f.inferred).toBe(kernel ? 1 : 0);
    }
  });
});
