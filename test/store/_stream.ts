import { EVENT_CODES } from '../../src/model/events.js';
import type { EventExtra, EventRow, Store } from '../../src/store/index.js';
import { CLOCK, meta } from './_helpers.js';

/** One generated event with what the writer needs besides the row. */
export interface StreamItem {
  readonly row: EventRow;
  readonly extra?: EventExtra;
}

/** mulberry32: a small seeded PRNG, so streams are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A plausible folio event stream of `n` events over `files` files: allocations (orders 0–9 at
 * aligned pgoffs), uptodate marks, zeroing, splits into born pieces, failed splits, reclaim
 * marks, removals and i_size changes (some past 2^53). About `maxLive` folios stay live.
 */
export function* eventStream(n: number, seed = 1, files = 2, maxLive = 400): Generator<StreamItem> {
  const rand = rng(seed);
  const pick = (k: number): number => Math.floor(rand() * k);
  const live = new Map<number, { file: number; pgoff: number; order: number; state: number; at: number }>();
  const ids: number[] = []; // live ids, for O(1) random picks (swap-remove on death)
  const add = (id: number, f: { file: number; pgoff: number; order: number; state: number }): void => {
    live.set(id, { ...f, at: ids.length });
    ids.push(id);
  };
  const remove = (id: number): void => {
    const at = (live.get(id) as { at: number }).at;
    const last = ids.pop() as number;
    if (last !== id) { ids[at] = last; (live.get(last) as { at: number }).at = at; }
    live.delete(id);
  };
  const pending: StreamItem[] = [];
  let seq = 0;
  let i = 0;
  let nextId = 1;
  let nextSlot = 0;
  const row = (folio: number | null, event: number, from: number | null, to: number | null, arg: bigint | number | null): EventRow =>
    ({ seq: ++seq, i, folio, event, from, to, arg });
  while (pending.length > 0 || seq < n) {
    if (pending.length > 0) { yield pending.shift() as StreamItem; continue; }
    if (rand() < 0.05) i++;
    const id = ids[pick(ids.length)];
    const f = id === undefined ? undefined : live.get(id);
    const r = rand();
    if (id === undefined || f === undefined || (r < 0.35 && live.size < maxLive)) {
      const order = [0, 0, 2, 4, 9][pick(5)] as number;
      const pgoff = (nextSlot++) * 512 + (order === 9 ? 0 : pick(512 >> order) << order);
      const folio = nextId++;
      const born = { file: 1 + pick(files), pgoff, order, parent: null };
      add(folio, { ...born, state: 1 });
      yield { row: row(folio, EVENT_CODES.folio_added, null, 1, order), extra: { born } };
    } else if (r < 0.55) {
      yield { row: row(id, EVENT_CODES.folio_marked_uptodate, f.state, null, null) };
    } else if (r < 0.62) {
      f.state = 2;
      yield { row: row(id, EVENT_CODES.folio_zeroed, 1, 2, f.pgoff + 1) };
    } else if (r < 0.7 && f.order > 0) {
      remove(id);
      yield { row: row(id, EVENT_CODES.folio_split, f.state, 6, 0), extra: { ended: true } };
      for (let k = 0; k < Math.min(1 << f.order, 8); k++) {
        const piece = nextId++;
        add(piece, { file: f.file, pgoff: f.pgoff + k, order: 0, state: 1 });
        pending.push({ row: row(piece, EVENT_CODES.folio_added, null, 1, 0), extra: { born: { file: f.file, pgoff: f.pgoff + k, order: 0, parent: id } } });
      }
    } else if (r < 0.75) {
      f.state = 3;
      yield { row: row(id, EVENT_CODES.folio_split_failed, 1, 3, null) };
    } else if (r < 0.8) {
      f.state = 4;
      yield { row: row(id, EVENT_CODES.folio_reclaim_marked, 1, 4, null) };
    } else if (r < 0.92) {
      remove(id);
      yield { row: row(id, EVENT_CODES.folio_removed, f.state, 7, null), extra: { ended: true } };
    } else {
      const size = rand() < 0.5 ? 2n ** 62n + BigInt(pick(1000)) : BigInt(pick(1 << 30));
      yield { row: row(null, EVENT_CODES.i_size_changed, null, null, size) };
    }
  }
}

/** An `explanations` row with every optional column null. */
const NO_EXPLANATION = {
  folio: null, nr: null, pgoff: null, cause: null, result: null, settings: null, perSize: null, globalOrders: null,
  allowableOrders: null, vmaOrders: null, suitableOrders: null, iSize: null, writeEnd: null, vmaStart: null, vmaEnd: null,
} as const;

/** Options of `recordRun`. */
export interface RecordOptions {
  readonly name?: string;
  readonly seed?: number;
  /** Events per write transaction (the writer's default otherwise). */
  readonly batchSize?: number;
  /** false: stop without `finish()`, as a killed writer does, leaving the run incomplete. */
  readonly finish?: boolean;
}

/**
 * Record a run of `n` generated events over two files, one operation (and one `explanations`
 * row) per command index, through `store`'s writer. Returns its id.
 */
export function recordRun(store: Store, n: number, options: RecordOptions = {}): number {
  const writer = store.beginRun(meta(options.name ?? 't.fl'), CLOCK, options.batchSize === undefined ? {} : { batchSize: options.batchSize });
  writer.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
  writer.file({ id: 2, name: 'g', mount: 1, kind: 'tmpfs' });
  let op = 0;
  const operation = (): void => {
    writer.explanation({ ...NO_EXPLANATION, i: op, n: 0, kind: 1, folio: op + 1, settings: 1, globalOrders: 0x3fe });
    writer.operation({ i: op, line: op + 1, op: `pwrite ${op}`, ret: 4096n, size: 4096n, blocks: 8n, stats: {}, file: 1 });
    op++;
  };
  for (const { row, extra } of eventStream(n, options.seed)) {
    while (op < row.i) operation();
    writer.event(row, extra);
  }
  operation();
  if (options.finish !== false) writer.finish('complete');
  return writer.runId;
}
