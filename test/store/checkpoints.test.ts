import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventRow, type LiveFolio, type LiveTable, type Store, applyEvent, decodeCheckpoint, encodeCheckpoint, isStoreError, openStore,
} from '../../src/store/index.js';
import { EVENT_CODES } from '../../src/model/events.js';
import { storeAt, useBackend } from './_backend.js';
import { CLOCK, meta } from './_helpers.js';

useBackend();
import { type StreamItem, eventStream } from './_stream.js';

/** A table as a sorted plain array, for deep equality. */
function snapshot(table: ReadonlyMap<number, Readonly<LiveFolio>>): LiveFolio[] {
  return [...table.values()].map((f) => ({ ...f })).sort((a, b) => a.id - b.id);
}

const K = 128;
const ITEMS: readonly StreamItem[] = [...eventStream(20_000, 7, 3)];

/** Full replays: the live table after every K-th event and after every event `targets` names. */
function replayAll(targets: ReadonlySet<number>): Map<number, LiveFolio[]> {
  const table: LiveTable = new Map();
  const at = new Map<number, LiveFolio[]>([[0, []]]);
  for (const { row, extra } of ITEMS) {
    applyEvent(table, row, extra);
    if (row.seq % K === 0 || targets.has(row.seq)) at.set(row.seq, snapshot(table));
  }
  return at;
}

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips folios across files, large pgoffs, every order and state, and ids out of order', () => {
    const folios: LiveFolio[] = [];
    for (let order = 0; order <= 9; order++) {
      folios.push({ id: 1000 - order, file: 1 + (order % 3), pgoff: 2 ** 50 + order * 512, order, uptodate: (order % 2) as 0 | 1, state: 1 + (order % 5), pins: order * 100 });
    }
    folios.push({ id: 5, file: 2, pgoff: 0, order: 0, uptodate: 1, state: 3, pins: 0 });
    const blob = encodeCheckpoint(folios);
    expect(snapshot(decodeCheckpoint(blob))).toEqual(snapshot(new Map(folios.map((f) => [f.id, f]))));
  });

  it('spends about 5 bytes per folio on a dense file', () => {
    const folios = Array.from({ length: 10_000 }, (_, n): LiveFolio => ({ id: n + 1, file: 1, pgoff: n, order: 0, uptodate: 1, state: 1, pins: 0 }));
    expect(encodeCheckpoint(folios).length).toBeLessThanOrEqual(5 * 10_000 + 8);
  });

  it('still decodes a format-1 blob (no pin counts) as unpinned folios', () => {
    // format 1, one folio: file +1, pgoff 300, state 1·32 + uptodate 16 + order 0, id +1
    const v1 = Uint8Array.of(1, 1, 1, 0xac, 0x02, 48, 2);
    expect([...decodeCheckpoint(v1).values()]).toEqual([{ id: 1, file: 1, pgoff: 300, order: 0, uptodate: 1, state: 1, pins: 0 }]);
  });

  it('encodes an empty table and refuses a truncated or unknown blob', () => {
    expect(decodeCheckpoint(encodeCheckpoint([])).size).toBe(0);
    const blob = encodeCheckpoint([{ id: 1, file: 1, pgoff: 300, order: 0, uptodate: 0, state: 1, pins: 2 }]);
    for (const bad of [blob.subarray(0, blob.length - 1), Uint8Array.of(9, 0), Uint8Array.of(...blob, 0)]) {
      expect(() => decodeCheckpoint(bad)).toThrowError(expect.objectContaining({ code: 'E_CORRUPT' }));
    }
  });
});

describe('applyEvent replay', () => {
  it('decode(checkpoint at S) + events S+1..T equals the full replay at T', () => {
    const last = ITEMS.at(-1)!.row.seq;
    const targets = new Set<number>();
    for (let s = 0; s + K <= last; s += K) for (const d of [1, 17, K / 2, K - 1]) targets.add(s + d);
    const truth = replayAll(targets);
    for (const t of targets) {
      const s = t - (t % K);
      const table = decodeCheckpoint(encodeCheckpoint(truth.get(s)!));
      for (const { row, extra } of ITEMS.slice(s, t)) applyEvent(table, row, extra);
      expect(snapshot(table), `S=${s} T=${t}`).toEqual(truth.get(t));
    }
    expect(targets.size).toBeGreaterThan(100);
  });

  it('refuses a birth of a live id and an event naming a dead folio', () => {
    const table: LiveTable = new Map();
    const born = { born: { file: 1, pgoff: 0, order: 0, parent: null } };
    const row: EventRow = { seq: 1, i: 0, folio: 1, event: 1, from: null, to: 1, arg: null };
    applyEvent(table, row, born);
    expect(() => applyEvent(table, { ...row, seq: 2 }, born)).toThrowError(expect.objectContaining({ code: 'E_BAD_EVENT' }));
    applyEvent(table, { ...row, seq: 3, event: 8, to: 7 }, { ended: true });
    let error: unknown;
    try { applyEvent(table, { ...row, seq: 4, event: 2, to: null }); } catch (e) { error = e; }
    expect(isStoreError(error, 'E_BAD_EVENT')).toBe(true);
  });
});

describe('checkpoints stored by the writer', () => {
  let store: Store;
  let runId: number;
  const targets = new Set<number>([0, 1, K - 1, K, K + 1, 3 * K + 77, 10_001, ITEMS.at(-1)!.row.seq]);
  beforeAll(async () => {
    store = await openStore(await storeAt(':memory:'), 'create');
    const w = store.beginRun(meta(), CLOCK, { checkpointInterval: K, batchSize: 3000 });
    for (let f = 1; f <= 3; f++) w.file({ id: f, name: `f${f}`, mount: 1, kind: 'tmpfs' });
    for (const { row, extra } of ITEMS) w.event(row, extra);
    runId = w.finish('complete').runId;
  });
  afterAll(() => store.close());

  it('rebuilds the live folios at any seq from the nearest checkpoint and the stored log', () => {
    const truth = replayAll(targets);
    for (const t of targets) expect(snapshot(store.liveFoliosAt(runId, t)), `T=${t}`).toEqual(truth.get(t));
  });
});

describe('where the writer places checkpoints', () => {
  // 1,200 births of order-0 folios, one per event, so L live folios after event L. The rule
  // (README "K", checkpoints.ts): a checkpoint after at least K events, and at least L/2 after
  // one taken with L folios live. With K = 100: 100, 200 (100 ≥ 100/2), 300, 450 (150 = 300/2),
  // 675 (225), 1013 (338 ≥ 337.5); the next would be 1520, past the end.
  const BIRTHS = 1200;
  const PLACES = [100, 200, 300, 450, 675, 1013];
  let store: Store;
  let runId: number;
  beforeAll(async () => {
    store = await openStore(await storeAt(':memory:'), 'create');
    const w = store.beginRun(meta(), CLOCK, { checkpointInterval: 100, batchSize: 250 });
    w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
    for (let seq = 1; seq <= BIRTHS; seq++) {
      const row: EventRow = { seq, i: seq, folio: seq, event: EVENT_CODES.folio_added, from: null, to: 1, arg: 0 };
      w.event(row, { born: { file: 1, pgoff: seq - 1, order: 0, parent: null } });
    }
    runId = w.finish('complete').runId;
  });
  afterAll(() => store.close());

  it('stores one after events 100, 200, 300, 450, 675 and 1013 and nowhere else', () => {
    for (let seq = 0; seq <= BIRTHS; seq++) {
      expect(store.loadCheckpoint(runId, seq).seq, `at ${seq}`).toBe(PLACES.findLast((p) => p <= seq) ?? 0);
    }
  });

  it('holds in each the folios born up to it', () => {
    for (const at of PLACES) {
      const want = Array.from({ length: at }, (_, n): LiveFolio => ({ id: n + 1, file: 1, pgoff: n, order: 0, uptodate: 0, state: 1, pins: 0 }));
      expect(snapshot(store.loadCheckpoint(runId, at).table), `at ${at}`).toEqual(want);
    }
  });
});
