import { createHash, type Hash } from 'node:crypto';
import type { SyncConnection } from './connection.js';
import { CompactLiveTable } from './_compact-live-table.js';
import { PendingRows } from './_pending.js';
import type { SyncStatement } from './connection.js';
import type { BatchWriter } from './engine.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_INTERVAL, checkpointDue, type LiveFolio } from './checkpoints.js';
import type { RunSource } from './database.js';
import { StoreError } from './errors.js';
import { Counters } from './counters.js';
import { type Block, BlockHasher } from './operation-blocks.js';
import { EVENT_CODES } from '../model/index.js';
import {
  type EventExtra, type EventRow, type ExplanationRow, type FileInput, type OperationInput, oneLine,
} from './rows.js';

/** Events per write transaction (product.md §4: batches of about 10,000). */
export const BATCH_EVENTS = 10_000;

/**
 * Operation rows per write transaction at most: a run with few events per command (a kernel
 * recording of small writes, whose rows keep their §2 folio lists) would otherwise hold every
 * row until its 10,000th event, and its memory would grow with its length.
 */
export const BATCH_OPERATIONS = 1_000;

/** Tuning for tests; production code passes none. */
export interface WriterOptions {
  /** Events per transaction (default `BATCH_EVENTS`). */
  readonly batchSize?: number;
  /** K, the least number of events between checkpoints (default `CHECKPOINT_INTERVAL`). */
  readonly checkpointInterval?: number;
}

/** What `interrupt()` left recorded: the run stays `incomplete`, with no event-log hash. */
export interface RunProgress {
  readonly runId: number;
  readonly events: number;
  /** Command lines recorded: one operations row each. */
  readonly ops: number;
}

/** What `finish()` recorded. */
export interface RunSummary extends RunProgress {
  /** Lowercase hex SHA-256 of the event log. */
  readonly hash: string;
}

/**
 * Writes one run: buffers files, folios, events, operations and checkpoints, and flushes them
 * in one short `BEGIN IMMEDIATE` transaction per `batchSize` events, so concurrent writers
 * interleave. The run stays `incomplete` until `finish()`; `interrupt()` flushes and closes it
 * `incomplete`. All methods are synchronous.
 * Created by `Store.beginRun`. After an error the writer is closed and the run stays incomplete.
 *
 * ### Example
 * ```ts
 * const w = store.beginRun(meta, { now: () => new Date() })
 * w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' })
 * w.event({ seq: 1, i: 0, folio: 1, event: 1, from: null, to: 1, arg: 0 },
 *   { born: { file: 1, pgoff: 0, order: 9, parent: null } })
 * w.operation({ i: 0, line: 1, op: 'pwrite 0 2m', ret: 2097152n, size: 2097152n, blocks: 4096n, stats: {}, file: 1 })
 * const { hash } = w.finish('complete')
 * ```
 */
export class RunWriter {
  readonly runId: number;
  readonly #batches: BatchWriter;
  readonly #progress: SyncStatement;
  readonly #finish: SyncStatement;
  readonly #inferred: 0 | 1;
  readonly #batchSize: number;
  readonly #interval: number;
  readonly #live = new CompactLiveTable();
  readonly #hash: Hash = createHash('sha256');
  #lastSeq = 0;
  #sinceCheckpoint = 0;
  #liveAtCheckpoint = 0;
  #ops = 0;
  #closed = false;
  readonly #pending: PendingRows;
  /** The most pages live folios held at an operation's end. */
  #peakResident = 0;
  /** Per-size counters summed over the operations recorded so far. */
  readonly #counters = new Counters();
  /** Hashes of blocks of operations, for `diff` (migration 0006). */
  readonly #blocks = new BlockHasher();
  /** Events per event code, and per lifecycle state entered. */
  readonly #tallies = { events: new Float64Array(TALLY_CODES), states: new Float64Array(TALLY_CODES) };

  /** Internal: use `Store.beginRun`, which has inserted the run row `runId`. */
  constructor(conn: SyncConnection, batches: BatchWriter, runId: number, source: RunSource, options: WriterOptions = {}) {
    this.runId = runId;
    this.#batches = batches;
    this.#progress = conn.prepare('update runs set ops = ?, events = ? where id = ?');
    this.#finish = conn.prepare(`update runs set status = ?, failure = ?, ops = ?, events = ?, event_hash = ?, counters = ?,
      tallies = ?, schedule = coalesce(?, schedule) where id = ?`);
    this.#inferred = source === 'kernel' ? 1 : 0;
    this.#batchSize = options.batchSize ?? BATCH_EVENTS;
    this.#interval = options.checkpointInterval ?? CHECKPOINT_INTERVAL;
    this.#pending = new PendingRows(this.#batchSize);
  }

  /** Record a file (inode) of the run. */
  file(row: FileInput): void {
    this.#assertOpen();
    this.#pending.files.push([this.runId, row.id, row.name, row.mount, row.kind]);
  }

  /**
   * Record event `row.seq` (1-based, consecutive). `extra.born` inserts the folio row (born in
   * state `to`); `extra.ended` sets its ended seq and state. A checkpoint of the live folios
   * follows the event when `checkpointDue` says so (every K events while few folios are live).
   * @throws StoreError `E_BAD_EVENT` (seq out of order, folio not live), `E_WRITER_CLOSED`, and
   *   those of `finish()` when the event completes a batch.
   */
  event(row: EventRow, extra?: EventExtra): void {
    this.#assertOpen();
    if (row.seq !== this.#lastSeq + 1) {
      throw new StoreError('E_BAD_EVENT', `run ${this.runId}: event seq ${row.seq} follows ${this.#lastSeq}`);
    }
    const id = row.folio;
    const live = this.#live;
    const pending = this.#pending;
    if (id !== null) {
      const born = extra?.born;
      let slot: number;
      if (born !== undefined) {
        if (live.slot(id) >= 0) throw badEvent(row, 'is born again while live');
        if (row.to === null) throw badEvent(row, 'is born without a state');
        live.born(id, born.file, born.pgoff, born.order, row.to, row.seq);
        pending.born(id, born.file, born.pgoff, born.order, born.parent, row.seq);
      } else {
        slot = live.slot(id);
        if (slot < 0) throw badEvent(row, 'is not live');
        pending.folioEvent(id, row.seq, live.lastSeq(slot));
        live.setLastSeq(slot, row.seq);
        if (row.event === UPTODATE) live.setUptodate(slot);
        else if (row.event === UPTODATE_CLEARED) live.clearUptodate(slot);
        else if (row.event === PINNED || row.event === UNPINNED) live.setPins(id, Number(row.arg ?? 0));
        if (row.to !== null) live.setState(slot, row.to);
        if (extra?.ended === true) {
          pending.folioEnded(id, live.state(slot));
          live.remove(slot);
        }
      }
    } else if (extra?.born !== undefined) throw badEvent(row, 'is born without an id');
    this.#tallies.events[row.event < TALLY_CODES ? row.event : 0]! += 1;
    if (row.to !== null) this.#tallies.states[row.to < TALLY_CODES ? row.to : 0]! += 1;
    pending.event(row.seq, row.i, id, row.event, row.from, row.to, row.arg);
    this.#lastSeq = row.seq;
    if (checkpointDue(++this.#sinceCheckpoint, this.#liveAtCheckpoint, this.#interval)) {
      pending.checkpoints.push([this.runId, row.seq, live.checkpoint(CHECKPOINT_FORMAT), this.#ops, this.#counters.json()]);
      this.#sinceCheckpoint = 0;
      this.#liveAtCheckpoint = live.size;
    }
    if (pending.full) this.#flush(undefined);
  }

  /**
   * Record a decision of the model (`explanations`, migration 0004). Not an event: it changes
   * neither the event log nor its hash. Buffered and flushed with the events.
   * @throws StoreError `E_WRITER_CLOSED`.
   */
  explanation(row: ExplanationRow): void {
    this.#assertOpen();
    this.#pending.explanations.push([
      this.runId, row.i, row.n, row.kind, row.folio, row.nr, row.pgoff, row.cause, row.result, row.settings, row.perSize,
      row.globalOrders, row.allowableOrders, row.vmaOrders, row.suitableOrders, row.iSize, row.writeEnd, row.vmaStart,
      row.vmaEnd,
    ]);
  }

  /** Record a command line's outcome; `last_seq` is the last event seq so far. */
  operation(row: OperationInput): void {
    this.#assertOpen();
    const failed = typeof row.ret === 'string';
    const keep = this.#inferred === 1;
    const ret = failed ? null : row.ret as bigint;
    const errno = failed ? row.ret as string : null;
    const data = json(row.data);
    const layout = row.layout ?? null;
    const work = row.work;
    this.#pending.operations.push([
      this.runId, row.i, row.line, row.op, row.task ?? null, ret, errno,
      row.size, row.blocks, JSON.stringify(row.stats), data, keep ? json(row.folios) : null,
      keep ? json(row.blind) : null, row.file, this.#lastSeq, layout, this.#live.pages, row.unwrittenData ?? null,
      row.noData ?? null, work?.splitRetries ?? null, work?.pagesScanned ?? null, work?.bytesCompared ?? null,
      work?.zerosHoled ?? null, work?.metadataBytes ?? null,
    ]);
    this.#block(this.#blocks.add(row.i, { line: row.line, op: row.op, ret, errno, size: row.size, blocks: row.blocks, data, stats: row.stats, layout }));
    this.#counters.add(row.stats);
    if (this.#live.pages > this.#peakResident) this.#peakResident = this.#live.pages;
    this.#ops++;
    if (this.#pending.operations.length >= BATCH_OPERATIONS) this.#flush(undefined);
  }

  /**
   * Flush everything and, in the same last transaction, set the status (`failure`, one line, is
   * kept for `failed` only), the counts, the event-log hash and, for a run with tasks, the
   * schedule it followed (one task name per line, one line per step).
   * @throws StoreError `E_WRITER_CLOSED`, `E_SEQ_CONFLICT`, `E_NO_RUN` (the run was deleted
   *   meanwhile), `E_DAMAGED`, `E_SQLITE`.
   */
  finish(status: 'complete' | 'failed', failure?: string, schedule?: string): RunSummary {
    this.#assertOpen();
    this.#block(this.#blocks.rest());
    this.#hash.update(this.#pending.hashText());
    const hash = this.#hash.digest('hex');
    const message = status === 'failed' && failure !== undefined ? oneLine(failure) : null;
    const tallies = JSON.stringify({
      events: counts(this.#tallies.events), states: counts(this.#tallies.states),
      peakResident: this.#peakResident, finalResident: this.#live.pages, foliosByOrder: this.#live.byOrder(),
    });
    this.#flush(() => this.#finish.run(status, message, this.#ops, this.#lastSeq, hash, this.#counters.json(), tallies, schedule ?? null, this.runId), false);
    this.#closed = true;
    return { runId: this.runId, events: this.#lastSeq, ops: this.#ops, hash };
  }

  /**
   * Flush everything buffered (files, folios, events, operations, checkpoints and the counts)
   * and close, leaving the run `incomplete`: a run that stopped midway is never shown as
   * complete (product.md §4). For a run stopped on purpose (SIGINT/SIGTERM).
   * @throws StoreError `E_WRITER_CLOSED`, `E_SEQ_CONFLICT`, `E_SQLITE`.
   *
   * ### Example
   * ```ts
   * const { runId, ops } = writer.interrupt() // runs lists it incomplete, with ops and events
   * ```
   */
  interrupt(): RunProgress {
    this.#assertOpen();
    this.#block(this.#blocks.rest());
    this.#flush(undefined);
    this.#closed = true;
    return { runId: this.runId, events: this.#lastSeq, ops: this.#ops };
  }

  /** The live folios after the last event (a copy; one object each: for tests). */
  liveFolios(): Map<number, LiveFolio> {
    return new Map([...this.#live.entries()].map((f) => [f.id, f]));
  }

  #block(b: Block | undefined): void {
    if (b !== undefined) this.#pending.blocks.push([this.runId, b[0], b[1], b[2]]);
  }

  /** Write the batch; `hash` false when the caller has already hashed it (finish). */
  #flush(final: (() => void) | undefined, hash = true): void {
    if (hash) this.#hash.update(this.#pending.hashText());
    try {
      this.#batches.transaction(() => {
        this.#batches.write(this.#pending, this.runId, this.#inferred);
        this.#progress.run(this.#ops, this.#lastSeq, this.runId);
        final?.();
      });
    } catch (e) {
      this.#closed = true;
      throw this.#batches.error(e, this.runId);
    }
    this.#pending.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('E_WRITER_CLOSED', `run ${this.runId}: the writer is closed`);
  }
}

/** Event and state codes are small: tallies index typed arrays by code. */
const TALLY_CODES = 64;
const UPTODATE = EVENT_CODES.folio_marked_uptodate;
const UPTODATE_CLEARED = EVENT_CODES.folio_uptodate_cleared;
const PINNED = EVENT_CODES.folio_pinned;
const UNPINNED = EVENT_CODES.folio_unpinned;

/** The non-zero tallies, by code. */
function counts(t: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let c = 0; c < t.length; c++) if (t[c]! > 0) out[c] = t[c]!;
  return out;
}

function badEvent(row: EventRow, what: string): StoreError {
  return new StoreError('E_BAD_EVENT', `event ${row.seq}: folio ${row.folio} ${what}`);
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
