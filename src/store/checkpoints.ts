import { EVENT_CODES } from '../model/index.js';
import { VarintReader, VarintWriter } from './_varint.js';
import { StoreError } from './errors.js';
import type { EventExtra, EventRow } from './rows.js';

/**
 * K: the least number of events between two checkpoints. Kept per run in
 * `runs.checkpoint_interval`.
 */
export const CHECKPOINT_INTERVAL = 2048;

/**
 * After a checkpoint of L live folios the next one waits at least CHECKPOINT_LIVE_FACTOR × L
 * events. A checkpoint costs about 5 bytes per live folio, so with a live set that keeps
 * growing (a long sequential write) a snapshot every K events would cost N/K bytes per event
 * over a run of N events; this spacing bounds checkpoints at ~10 bytes per event. Time travel
 * replays at most max(K, L/2) − 1 events after the nearest checkpoint: the same at event
 * 10,000,000 as at event 1,000 for the same live set. K and the factor were chosen on the
 * benchmark mix (`npm run bench`: 4 files of 16 MiB, ~2,400 live folios, 2M-event runs):
 * K = 8192 with 2 × L made `at` late in a run cost 3.8 times `at` @1,000 (61.6 B/event),
 * K = 4096 with L 2.1 times (63.2 B/event), K = 2048 with L/2 1.0 times (66.4 B/event).
 */
export const CHECKPOINT_LIVE_FACTOR = 0.5;

/**
 * True when the writer should store a checkpoint after the current event: `sinceLast` events
 * since the previous checkpoint (or the run's start), which held `liveAtLast` folios (0 for
 * the run's start). Pure.
 */
export function checkpointDue(sinceLast: number, liveAtLast: number, k: number = CHECKPOINT_INTERVAL): boolean {
  return sinceLast >= k && sinceLast >= CHECKPOINT_LIVE_FACTOR * liveAtLast;
}

/** A live folio as time travel needs it. `uptodate` and `state` change as events apply. */
export interface LiveFolio {
  readonly id: number;
  readonly file: number;
  /** First page, in 4 KiB pages. */
  readonly pgoff: number;
  readonly order: number;
  uptodate: 0 | 1;
  /** Lifecycle state code (`folio_states`). */
  state: number;
  /** Pins it holds (the `arg` of its last `folio_pinned` / `folio_unpinned`). */
  pins: number;
}

/** The live folios by id. */
export type LiveTable = Map<number, LiveFolio>;

/** Format 1 had no pin counts; format 2 adds one varint per folio. */
export const CHECKPOINT_FORMAT = 2;
const FORMAT = CHECKPOINT_FORMAT;
const UPTODATE = EVENT_CODES.folio_marked_uptodate;
const UPTODATE_CLEARED = EVENT_CODES.folio_uptodate_cleared;
const PINNED = EVENT_CODES.folio_pinned;
const UNPINNED = EVENT_CODES.folio_unpinned;

/**
 * Apply one event to the live table: a birth (`extra.born`) adds the folio in state `to`,
 * `folio_marked_uptodate` sets uptodate (`folio_uptodate_cleared`, per-block runs only, clears
 * it), `folio_pinned`/`folio_unpinned` set the pin count to `arg`, a non-null `to` sets the
 * state, `extra.ended` removes it. Events without a folio change nothing. Uptodate comes only
 * from `folio_marked_uptodate` events: a split piece of an uptodate folio needs its own. Deterministic; mutates `table` in
 * place (copying a table of millions of folios per event is not an option).
 * @throws StoreError `E_BAD_EVENT` for a birth of a live id, a birth without `to`, or an event
 *   naming a folio that is not live.
 *
 * ### Example
 * ```ts
 * const table: LiveTable = decodeCheckpoint(blob)
 * for (const { row, extra } of eventsAfterCheckpoint) applyEvent(table, row, extra)
 * ```
 */
export function applyEvent(table: LiveTable, row: EventRow, extra?: EventExtra): void {
  const id = row.folio;
  const born = extra?.born;
  if (id === null) {
    if (born !== undefined) throw badEvent(row, 'is born without an id');
    return;
  }
  if (born !== undefined) {
    if (table.has(id)) throw badEvent(row, `is born again while live`);
    if (row.to === null) throw badEvent(row, 'is born without a state');
    table.set(id, { id, file: born.file, pgoff: born.pgoff, order: born.order, uptodate: 0, state: row.to, pins: 0 });
  }
  const folio = table.get(id);
  if (folio === undefined) throw badEvent(row, 'is not live');
  if (row.event === UPTODATE) folio.uptodate = 1;
  else if (row.event === UPTODATE_CLEARED) folio.uptodate = 0;
  else if (row.event === PINNED || row.event === UNPINNED) folio.pins = Number(row.arg ?? 0);
  if (row.to !== null) folio.state = row.to;
  if (extra?.ended === true) table.delete(id);
}

function badEvent(row: EventRow, what: string): StoreError {
  return new StoreError('E_BAD_EVENT', `event ${row.seq}: folio ${row.folio} ${what}`);
}

/**
 * Encode the live folios as a checkpoint blob: a format byte, the count, then per folio in
 * (file, pgoff, id) order the file delta, the pgoff (delta within a file, absolute at a new
 * file), `state·32 + uptodate·16 + order`, the zigzag id delta and the pin count, all as
 * varints. About 5 bytes per folio. Pure.
 *
 * ### Example
 * ```ts
 * const blob = encodeCheckpoint(table.values())
 * decodeCheckpoint(blob) // a new LiveTable equal to `table`
 * ```
 */
export function encodeCheckpoint(folios: Iterable<LiveFolio>): Uint8Array {
  const sorted = [...folios].sort((a, b) => a.file - b.file || a.pgoff - b.pgoff || a.id - b.id);
  const w = new VarintWriter();
  w.uint(FORMAT);
  w.uint(sorted.length);
  let file = 0;
  let pgoff = 0;
  let id = 0;
  for (const f of sorted) {
    if (f.order >= 16) throw new RangeError(`order ${f.order} does not fit a checkpoint`);
    w.uint(f.file - file);
    w.uint(f.file === file ? f.pgoff - pgoff : f.pgoff);
    w.uint(f.state * 32 + f.uptodate * 16 + f.order);
    w.int(f.id - id);
    w.uint(f.pins);
    ({ file, pgoff, id } = f);
  }
  return w.bytes();
}

/** Decode a blob of `encodeCheckpoint`. @throws StoreError `E_CORRUPT`. Pure. */
export function decodeCheckpoint(blob: Uint8Array): LiveTable {
  const r = new VarintReader(blob);
  const format = r.uint();
  if (format !== 1 && format !== FORMAT) throw new StoreError('E_CORRUPT', `unknown checkpoint format ${format}`);
  const table: LiveTable = new Map();
  let file = 0;
  let pgoff = 0;
  let id = 0;
  for (let n = r.uint(); n > 0; n--) {
    const fileDelta = r.uint();
    file += fileDelta;
    pgoff = fileDelta === 0 ? pgoff + r.uint() : r.uint();
    const packed = r.uint();
    id += r.int();
    const pins = format === 1 ? 0 : r.uint();
    const state = Math.floor(packed / 32);
    table.set(id, { id, file, pgoff, order: packed % 16, uptodate: (packed & 16) === 0 ? 0 : 1, state, pins });
  }
  if (!r.done) throw new StoreError('E_CORRUPT', 'checkpoint blob has trailing bytes');
  return table;
}
