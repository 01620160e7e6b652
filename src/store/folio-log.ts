import type { SyncConnection, SyncStatement } from './connection.js';
import { EVENT_CODES, MAX_PAGECACHE_ORDER } from '../model/index.js';
import { decodeEventSeqs } from './event-seqs.js';
import type { Guard } from './replay.js';

/*
 * Reads for folio histories (`foliolog history`): folio rows by id and by page through the
 * `folios_by_page` index, and the events of chosen folios through the event log's primary key.
 * The event log has no index by folio (product.md §4 allows none beyond (run_id, seq)), so a
 * folio's events are found inside its lifetime: every event of a folio lies between its birth
 * (`born_seq`) and its end (`ended_seq`, or the run's last event while it lives), so reading
 * that seq range by primary key costs the folio's lifetime, never the log before its birth or
 * after its end.
 */

/** Largest folio order a run records (HPAGE_PMD_ORDER; `MAX_PAGECACHE_ORDER` of kernel runs). */
export const MAX_FOLIO_ORDER = MAX_PAGECACHE_ORDER;

/** A `folios` row as histories read it. */
export interface FolioRecord {
  readonly id: number;
  readonly file: number;
  /** First page, in 4 KiB pages. */
  readonly pgoff: number;
  readonly order: number;
  /** The folio it was split from; null when allocated or born by a collapse. */
  readonly parent: number | null;
  readonly bornSeq: number;
  /** Seq of the event that ended it; null while it lives (to the run's end). */
  readonly endedSeq: number | null;
  /** State code it ended in (`folio_states`); null while it lives. */
  readonly endedState: number | null;
  /** True in a kernel run, whose folios are inferred from layout changes. */
  readonly inferred: boolean;
  /** Seqs of all its events, birth first (`folios.events`, migration 0005); null in older runs. */
  readonly eventSeqs: readonly number[] | null;
}

/** A folio event as histories read it: folio events carry small `arg`s (orders, pages, ids, pin counts). */
export interface FolioEventRecord {
  readonly seq: number;
  readonly i: number;
  readonly folio: number;
  /** Event type code (`event_types`). */
  readonly event: number;
  /** State codes (`folio_states`); `from` is null for a birth. */
  readonly from: number | null;
  readonly to: number | null;
  readonly arg: number | null;
}

/** What reading some folios' events cost: statements by seq (lists or ranges) and event rows read. */
export interface LogReadCost {
  readonly ranges: number;
  readonly read: number;
}

type FolioRow = [number, number, number, number, number | null, number, number | null, number | null, number, Uint8Array | null];
type EventRow = [number, number, number, number, number | null, number | null, number | null];

const FOLIO_COLUMNS = 'f.id, f.file, f.pgoff, f."order", f.parent, f.born_seq, f.ended_seq, f.ended_state, f.inferred, f.events';

/** Seqs fetched per statement when a history reads events by their seqs. */
const SEQ_CHUNK = 500;

/**
 * The folios of a file that ever covered page N: a folio of order o that covers N starts at
 * N rounded down to 2^o (folios are aligned and at most order 9), so the index is searched for
 * those ten starts only, not for every folio that ever began in [N − 511, N]. `indexed by`:
 * without statistics SQLite's planner prefers walking every folio of the run by primary key
 * (16 ms instead of 4 ms for a page of a 40,000-command run), and a missing index should fail
 * loudly rather than turn into that scan.
 */
export const PAGE_FOLIOS_SQL = `select ${FOLIO_COLUMNS} from folios f indexed by folios_by_page
  where f.run_id = ? and f.file = ? and f.pgoff in (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) and f.pgoff + (1 << f."order") > ?
  order by f.born_seq, f.id`;

/** The events of folios with ids in [lo, hi] among seqs [a, b], by primary key. */
export const RANGE_EVENTS_SQL = `select seq, i, folio, event, from_state, to_state, arg from events
  where run_id = ? and seq >= ? and seq <= ? and folio >= ? and folio <= ? order by seq`;

const toFolio = ([id, file, pgoff, order, parent, bornSeq, endedSeq, endedState, inferred, events]: FolioRow): FolioRecord => ({
  id, file, pgoff, order, parent, bornSeq, endedSeq, endedState, inferred: inferred === 1,
  eventSeqs: events === null ? null : decodeEventSeqs(bornSeq, events),
});

const toEvent = ([seq, i, folio, event, from, to, arg]: EventRow): FolioEventRecord => ({ seq, i, folio, event, from, to, arg });

/**
 * One run's folio rows and the events of chosen folios, for histories. Every read is a
 * primary-key or `folios_by_page` search, bounded as each method says. Sync.
 *
 * ### Example
 * ```ts
 * const log = store.folioLog(3)
 * const folios = log.coveringPage(1, 1000)
 * const { events, cost } = log.eventsOf(folios, run.events)
 * ```
 */
export class FolioLog {
  readonly #runId: number;
  readonly #guard: Guard;
  readonly #folio: SyncStatement<[number, number]>;
  readonly #page: SyncStatement<number[]>;
  readonly #range: SyncStatement<[number, number, number, number, number]>;
  readonly #pieces: SyncStatement<[number, number, number, number]>;
  readonly #sources: SyncStatement<[number, number, number, number, number]>;
  readonly #operation: SyncStatement<[number, number]>;
  readonly #lastId: SyncStatement<[number]>;
  readonly #sqlite: SyncConnection;
  readonly #bySeq = new Map<number, SyncStatement<number[]>>();

  /** Internal: use `Store.folioLog`. */
  constructor(sqlite: SyncConnection, runId: number, guard: Guard) {
    this.#runId = runId;
    this.#guard = guard;
    this.#sqlite = sqlite;
    this.#folio = sqlite.prepare<[number, number]>(`select ${FOLIO_COLUMNS} from folios f where f.run_id = ? and f.id = ?`).raw(true);
    this.#page = sqlite.prepare<number[]>(PAGE_FOLIOS_SQL).raw(true);
    this.#range = sqlite.prepare<[number, number, number, number, number]>(RANGE_EVENTS_SQL).raw(true);
    // A split's pieces are born right after its folio_split event, each followed at most by its
    // folio_marked_uptodate (src/model/split.ts, src/sim/infer.ts).
    this.#pieces = sqlite.prepare<[number, number, number, number]>(`select ${FOLIO_COLUMNS}
      from events e join folios f on f.run_id = e.run_id and f.id = e.folio
      where e.run_id = ? and e.seq > ? and e.seq <= ? and e.event = ${EVENT_CODES.folio_added} and f.parent = ?
      order by f.pgoff`).raw(true);
    // A collapse target's sources get folio_collapsed right after the target's folio_added.
    this.#sources = sqlite.prepare<[number, number, number, number, number]>(`select folio from events
      where run_id = ? and seq > ? and seq <= ? and event = ? and arg = ? order by folio`).pluck();
    this.#operation = sqlite.prepare<[number, number]>('select line, op from operations where run_id = ? and i = ?');
    this.#lastId = sqlite.prepare<[number]>('select max(id) from folios where run_id = ?').pluck();
  }

  /** Folio `id`, or undefined. One primary-key lookup. */
  folio(id: number): FolioRecord | undefined {
    const row = this.#guard(() => this.#folio.get(this.#runId, id)) as FolioRow | undefined;
    return row === undefined ? undefined : toFolio(row);
  }

  /** The run's highest folio id (folio ids are 1..it), 0 when it has none. */
  lastFolioId(): number {
    return (this.#guard(() => this.#lastId.get(this.#runId)) as number | null) ?? 0;
  }

  /**
   * Every folio of `file` that ever covered page `pgoff`, in birth order. Searches the
   * `folios_by_page` index for the ten aligned starts a covering folio can have.
   */
  coveringPage(file: number, pgoff: number): FolioRecord[] {
    const starts: number[] = [];
    for (let o = 0; o <= MAX_FOLIO_ORDER; o++) starts.push(pgoff - (pgoff % 2 ** o));
    const rows = this.#guard(() => this.#page.all(this.#runId, file, ...starts, pgoff)) as FolioRow[];
    return rows.map(toFolio);
  }

  /**
   * Every event of `folios`, in seq order, and what reading them cost. In a run that stored
   * each folio's event seqs (`folios.events`, migration 0005) exactly those rows are read, by
   * primary key. In an older run each folio's events
   * are found in its lifetime [born_seq, ended_seq] (`lastSeq`, the run's last event, while it
   * lives), so only those ranges are read, by primary key. Overlapping or adjacent lifetimes
   * (a split's parent ends where its pieces begin; a collapse target is born before its sources
   * end) are merged first, so each range of the log is read once. The folios over one page
   * live one after another, so the rows read are at most the events logged while the page
   * was in the page cache. Measured on 40,000 random pwrite/fpunch/seek lines over 16 MiB
   * (447,023 events): page 1000 has 1,006 folios and 3,482 events, read from 292,927 rows in
   * 994 ranges (~50 ms); every 16th page reads 59–78% of the log, the share of the run it
   * spent in the page cache, and page 4095, whose last folio lived 259,861 events, 96%.
   * Merging saves statements there, not rows: skipping a long-lived folio's quiet stretches
   * needs a stored fact per folio that the schema does not hold yet.
   */
  eventsOf(folios: readonly FolioRecord[], lastSeq: number): { events: FolioEventRecord[]; cost: LogReadCost } {
    if (folios.every((f) => f.eventSeqs !== null)) return this.#bySeqs(folios);
    const spans = folios.map((f) => ({ id: f.id, lo: f.bornSeq, hi: f.endedSeq ?? lastSeq })).sort((a, b) => a.lo - b.lo);
    const events: FolioEventRecord[] = [];
    let ranges = 0;
    let read = 0;
    for (let k = 0; k < spans.length;) {
      const first = spans[k]!;
      const ids = new Set([first.id]);
      let { hi } = first;
      let [min, max] = [first.id, first.id];
      for (k++; k < spans.length && spans[k]!.lo <= hi + 1; k++) {
        const s = spans[k]!;
        hi = Math.max(hi, s.hi);
        ids.add(s.id);
        [min, max] = [Math.min(min, s.id), Math.max(max, s.id)];
      }
      // The id bounds keep the filter in SQLite; the set drops other folios numbered between them.
      const rows = this.#guard(() => this.#range.all(this.#runId, first.lo, hi, min, max)) as EventRow[];
      for (const r of rows) if (ids.has(r[2])) events.push(toEvent(r));
      ranges++;
      read += hi - first.lo + 1;
    }
    return { events, cost: { ranges, read } };
  }

  /**
   * Every event of `folios` read by their seqs (`folios.events`, migration 0005): exactly those
   * rows, by the log's primary key, however long the folios lived.
   */
  #bySeqs(folios: readonly FolioRecord[]): { events: FolioEventRecord[]; cost: LogReadCost } {
    const seqs = [...new Set(folios.flatMap((f) => f.eventSeqs ?? []))].sort((a, b) => a - b);
    const events: FolioEventRecord[] = [];
    let ranges = 0;
    for (let k = 0; k < seqs.length; k += SEQ_CHUNK) {
      const chunk = seqs.slice(k, k + SEQ_CHUNK);
      const rows = this.#guard(() => this.#seqs(chunk.length).all(this.#runId, ...chunk)) as EventRow[];
      for (const r of rows) events.push(toEvent(r));
      ranges++;
    }
    return { events, cost: { ranges, read: seqs.length } };
  }

  #seqs(n: number): SyncStatement<number[]> {
    let s = this.#bySeq.get(n);
    if (s === undefined) {
      s = this.#sqlite.prepare<number[]>(`select seq, i, folio, event, from_state, to_state, arg from events
        where run_id = ? and seq in (${Array(n).fill('?').join(', ')}) order by seq`).raw(true);
      this.#bySeq.set(n, s);
    }
    return s;
  }

  /**
   * The pieces folio `folio` was split into by its `folio_split` event `splitSeq`, by pgoff.
   * Reads at most 2 × 2^order events after it (each piece's birth and uptodate mark).
   */
  splitPieces(folio: FolioRecord, splitSeq: number): FolioRecord[] {
    const rows = this.#guard(() => this.#pieces.all(this.#runId, splitSeq, splitSeq + 2 * 2 ** folio.order, folio.id)) as FolioRow[];
    return rows.map(toFolio);
  }

  /**
   * The folios collapsed into `target` (born by a collapse), by id. Reads at most
   * 2^order events after its birth (one `folio_collapsed` per source, each at least a page).
   */
  collapseSources(target: FolioRecord): number[] {
    const seq = target.bornSeq;
    return this.#guard(() => this.#sources.all(this.#runId, seq, seq + 2 ** target.order, EVENT_CODES.folio_collapsed, target.id)) as number[];
  }

  /** Script line and command text of operation `i`, or undefined. One primary-key lookup. */
  operation(i: number): { readonly line: number; readonly op: string } | undefined {
    return this.#guard(() => this.#operation.get(this.#runId, i)) as { line: number; op: string } | undefined;
  }
}
