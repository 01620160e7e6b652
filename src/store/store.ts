import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { type Clock, type RunMeta, beginRun } from './begin.js';
import type { LiveTable } from './checkpoints.js';
import type { Database } from './database.js';
import type { DeletedRun, VacuumResult } from './delete.js';
import type { Engine } from './engine.js';
import { StoreError } from './errors.js';
import { FolioLog } from './folio-log.js';
import { guarded, guardedRows } from './_guard.js';
import { type FolioEventRow, type FolioRow, folioEvents, folioRows, hasExplanations, loadExplanations } from './explanations.js';
import { liveFoliosAt, loadCheckpoint, readEvents } from './log.js';
import { type FileRow, fileAtSeq, operationOfSeq, runFiles } from './positions.js';
import { Replay } from './replay.js';
import type { ExplanationRow, OperationRecord, RunRecord, StoredEvent } from './rows.js';
import type { Counters } from './counters.js';
import {
  type RowDifference, getRun, listRuns, loadOperations, requireFinishedRun, residentPages, rowDifferences, rowDifferencesAcross, sumStats,
} from './runs.js';
import type { SqlRows } from './sql.js';
import { type LifetimeRow, type MarkRow, lifetimeMarks, lifetimes } from './timeline.js';
import type { RunWriter, WriterOptions } from './writer.js';
import type { RunRows } from './run-rows.js';

/**
 * A run's what-if lab metrics over its operations (view `run_metrics`): memory in pages, the
 * policy's work, SEEK's holes reported as data in bytes. Null where the run recorded none (a
 * kernel run, a model run without metrics; `seekNoData` without SEEK commands).
 */
export interface RunMetrics {
  readonly ops: number;
  readonly peakResident: number;
  readonly finalResident: number;
  readonly peakNoData: number | null;
  readonly finalNoData: number | null;
  readonly noDataIntegral: number | null;
  readonly splitRetries: number | null;
  readonly pagesScanned: number | null;
  readonly bytesCompared: number | null;
  readonly zerosHoled: number | null;
  readonly peakMetadataBytes: number | null;
  readonly finalMetadataBytes: number | null;
  readonly seekNoData: number | null;
}

/**
 * An open foliolog store: one better-sqlite3 connection, typed reads through `db`
 * (Kysely), synchronous writes through `beginRun`. Get one from `openStore`. Every read,
 * through `db` or a method, reports a damaged file as StoreError `E_DAMAGED`.
 *
 * ### Example
 * ```ts
 * const store = await openStore('foliolog.db', 'existing')
 * const runs = await store.listRuns()
 * const rows = await store.db.selectFrom('folios').selectAll().where('run_id', '=', 1).execute()
 * await store.close()
 * ```
 */
export class Store {
  readonly #engine: Engine;
  readonly #db: Kysely<Database>;
  readonly #path: string;
  readonly #readonly: boolean;

  /** Internal: use `openStore`, which recognises and migrate the store first. */
  constructor(engine: Engine, db: Kysely<Database>, path: string, readonly: boolean) {
    this.#engine = engine;
    this.#db = db;
    this.#path = path;
    this.#readonly = readonly;
  }

  /** Kysely over the store's connection, for typed reads. */
  get db(): Kysely<Database> {
    return this.#db;
  }

  /** The backend: a SQLite file or a PostgreSQL database. */
  get kind(): 'sqlite' | 'postgres' {
    return this.#engine.kind;
  }

  /** The path the store was opened with (a URL without its password). */
  get path(): string {
    return this.#path;
  }

  /** True when opened in `'readonly'` mode. */
  get readonly(): boolean {
    return this.#readonly;
  }

  /**
   * Start recording a run: inserts it as `incomplete` and returns its writer. Sync.
   * @throws StoreError `E_READONLY`, `E_SQLITE`.
   */
  beginRun(meta: RunMeta, clock: Clock, options?: WriterOptions): RunWriter {
    this.#assertWritable();
    return beginRun(this.#engine, meta, clock, options);
  }

  /**
   * Delete runs `ids` with all their rows, in one transaction; unknown ids delete nothing.
   * The file keeps the space until `vacuum()`. Sync.
   * @throws StoreError `E_READONLY`, `E_NO_RUN` (naming every unknown id), `E_DAMAGED`, `E_SQLITE`.
   *
   * ### Example
   * ```ts
   * for (const run of store.deleteRuns([3, 4])) console.log(`deleted run ${run.id} (${run.events} events)`)
   * ```
   */
  deleteRuns(ids: readonly number[]): DeletedRun[] {
    this.#assertWritable();
    return this.#engine.deleteRuns(ids);
  }

  /**
   * Rewrite the store without its free pages and shrink the file to it. Sync.
   * @throws StoreError `E_READONLY`, `E_DAMAGED`, `E_SQLITE`.
   */
  vacuum(): VacuumResult {
    this.#assertWritable();
    return this.#engine.vacuum();
  }

  /** Every run, oldest first. */
  listRuns(): Promise<RunRecord[]> {
    return listRuns(this.#db);
  }

  /** Run `id` whatever its status. @throws StoreError `E_NO_RUN`. */
  getRun(id: number): Promise<RunRecord> {
    return getRun(this.#db, id);
  }

  /**
   * Run `id`'s what-if lab metrics (view `run_metrics`, migrations 0008–0009): peak and final
   * resident and no-data pages, the no-data integral (page × operations), the policy's work,
   * the bytes SEEK reported as data holding none; undefined for a run without operations. One
   * indexed read of its operation rows.
   */
  async runMetrics(id: number): Promise<RunMetrics | undefined> {
    const r = await sql<RunMetrics>`select ops, peak_resident as "peakResident", final_resident as "finalResident",
      peak_no_data as "peakNoData", final_no_data as "finalNoData", no_data_integral as "noDataIntegral",
      split_retries as "splitRetries", pages_scanned as "pagesScanned", bytes_compared as "bytesCompared",
      zeros_holed as "zerosHoled", peak_metadata_bytes as "peakMetadataBytes", final_metadata_bytes as "finalMetadataBytes",
      seek_no_data as "seekNoData"
      from run_metrics where run_id = ${id}`.execute(this.#db);
    const row = r.rows[0];
    if (row === undefined) return undefined;
    // 64-bit columns come back as bigint (the connection's safeIntegers): numbers here.
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : Number(v)])) as unknown as RunMetrics;
  }

  /** Run `id`'s resident and no-data pages after each operation, in order: one indexed read. */
  async memorySeries(id: number): Promise<Array<{ i: number; resident: number; noData: number | null }>> {
    const rows = await this.#db.selectFrom('operations').select(['i', 'resident', 'no_data']).where('run_id', '=', id).orderBy('i').execute();
    return rows.map((r) => ({ i: Number(r.i), resident: Number(r.resident ?? 0), noData: r.no_data === null ? null : Number(r.no_data) }));
  }

  /** Run `id`, refused unless complete or failed. @throws StoreError `E_NO_RUN`, `E_INCOMPLETE`. */
  requireFinishedRun(id: number): Promise<RunRecord> {
    return requireFinishedRun(this.#db, id);
  }

  /** Operations of a run, 64-bit values exact. Sync. @throws StoreError `E_NO_RUN`. */
  /** The most pages run `runId` held after an operation, and after its last (null before migration 0002). Sync. */
  residentPages(runId: number): { readonly peak: number | null; readonly final: number | null } {
    return guarded(this.#path, () => residentPages(this.#engine.conn, runId));
  }

  /** The operations whose rows differ between runs `a` and `b` (see `RowDifference`). Sync. */
  rowDifferences(a: number, b: number): RowDifference[] {
    return guarded(this.#path, () => rowDifferences(this.#engine.conn, a, b));
  }

  /**
   * `rowDifferences` of run `a` of this store and run `b` of `other`, another store of either
   * backend: the differing blocks' rows of each compared in JavaScript. Sync.
   */
  rowDifferencesAcross(a: number, other: Store, b: number): RowDifference[] {
    return guarded(this.#path, () => guarded(other.#path, () => rowDifferencesAcross(this.#engine.conn, a, other.#engine.conn, b)));
  }

  loadOperations(runId: number, from?: number, to?: number): OperationRecord[] {
    return guarded(this.#path, () => loadOperations(this.#engine.conn, runId, from, to));
  }

  /** Add the counters of operations `from..to` (inclusive) of run `runId` to `into`: their stats only. */
  sumStats(runId: number, from: number, to: number, into: Counters): void {
    guarded(this.#path, () => sumStats(this.#engine.conn, runId, from, to, into));
  }

  /**
   * A forward replay of run `runId`'s folio events, positioned after event `seq` from the
   * nearest checkpoint (see `Replay`); its `advance` is guarded like every read. Sync.
   */
  replay(runId: number, seq: number): Replay {
    return guarded(this.#path, () => Replay.from(this.#engine.conn, runId, seq, (read) => guarded(this.#path, read)));
  }

  /** Folio rows and the events of chosen folios of run `runId`, for histories (see `FolioLog`). Sync. */
  folioLog(runId: number): FolioLog {
    return guarded(this.#path, () => new FolioLog(this.#engine.conn, runId, (read) => guarded(this.#path, read)));
  }

  /** The files of run `runId`. Sync. */
  files(runId: number): FileRow[] {
    return guarded(this.#path, () => runFiles(this.#engine.conn, runId));
  }

  /** The operation of run `runId` (of `ops` operations) that emitted event `seq`; undefined past the last. Sync. */
  operationOfSeq(runId: number, seq: number, ops: number): number | undefined {
    return guarded(this.#path, () => operationOfSeq(this.#engine.conn, runId, seq, ops));
  }

  /** The current file after event `seq`, which operation `i` emitted. Sync. */
  fileAtSeq(runId: number, i: number, seq: number): number | null {
    return guarded(this.#path, () => fileAtSeq(this.#engine.conn, runId, i, seq));
  }

  /** Events with `afterSeq < seq ≤ uptoSeq`, `arg` exact. Sync. */
  readEvents(runId: number, afterSeq: number, uptoSeq: number): StoredEvent[] {
    return guarded(this.#path, () => readEvents(this.#engine.conn, runId, afterSeq, uptoSeq));
  }

  /** The nearest checkpoint at or before `seq` (seq 0, empty, if none). Sync. */
  loadCheckpoint(runId: number, seq: number): { readonly seq: number; readonly table: LiveTable } {
    return guarded(this.#path, () => loadCheckpoint(this.#engine.conn, runId, seq));
  }

  /** The live folios after event `seq`: the nearest checkpoint plus the events after it. Sync. */
  liveFoliosAt(runId: number, seq: number): LiveTable {
    return guarded(this.#path, () => liveFoliosAt(this.#engine.conn, runId, seq));
  }

  /**
   * Run one SQL statement of a user's that only reads (`foliolog query`): a statement that could
   * write, open another file or change a setting is refused before it runs (see `readOnlyQuery`).
   * Integers come back exact as `bigint`. Iterate the rows before closing the store. Sync.
   * @throws StoreError `E_NOT_READ_ONLY`, `E_SQL` (SQLite's message), `E_DAMAGED`.
   *
   * ### Example
   * ```ts
   * const store = await openStore('foliolog.db', 'readonly')
   * const { columns, rows } = store.query('select i, op, folios_by_order from op_summary where run_id = 1')
   * for (const row of rows) console.log(row) // [0n, 'mount tmpfs huge=always', '{}']
   * ```
   */
  query(text: string): SqlRows {
    return this.#engine.query(text);
  }

  /** The decisions of operation `i` of run `runId` (migration 0004), in order. Sync. */
  explanations(runId: number, i: number): ExplanationRow[] {
    return guarded(this.#path, () => loadExplanations(this.#engine.conn, runId, i));
  }

  /** True when run `runId` recorded decisions (model runs recorded after migration 0004). Sync. */
  hasExplanations(runId: number): boolean {
    return guarded(this.#path, () => hasExplanations(this.#engine.conn, runId));
  }

  /**
   * Births, splits, refused splits, removals, collapses and pin changes with
   * `afterSeq < seq ≤ uptoSeq`, with their folio rows; only folio `folio`'s when given. Sync.
   */
  folioEvents(runId: number, afterSeq: number, uptoSeq: number, folio?: number): FolioEventRow[] {
    return guarded(this.#path, () => folioEvents(this.#engine.conn, runId, afterSeq, uptoSeq, folio));
  }

  /** Every folio of run `runId`, by id, as `LifetimeRow`s (for pictures of the whole run). Sync; iterate before closing. */
  lifetimes(runId: number): IterableIterator<LifetimeRow> {
    return guardedRows(this.#path, guarded(this.#path, () => lifetimes(this.#engine.conn, runId)));
  }

  /** Run `runId`'s events that mark a lifetime (uptodate, zeroed, split, refused split, reclaim, collapse, pins), by seq. Sync. */
  lifetimeMarks(runId: number): IterableIterator<MarkRow> {
    return guardedRows(this.#path, guarded(this.#path, () => lifetimeMarks(this.#engine.conn, runId)));
  }

  /** The folio rows of run `runId` with `from ≤ id < to`. Sync. */
  folioRows(runId: number, from: number, to: number): FolioRow[] {
    return guarded(this.#path, () => folioRows(this.#engine.conn, runId, from, to));
  }

  /** This store's side of a copy of runs (`foliolog push`): exact reads, and writes in one transaction. */
  rows(): RunRows {
    return this.#engine.rows();
  }

  #assertWritable(): void {
    if (this.#readonly) throw new StoreError('E_READONLY', `${this.#path} is open read-only`);
  }

  /** Close the connections (Kysely's destroy closes better-sqlite3's database, or ends the pg pool). */
  async close(): Promise<void> {
    await this.#db.destroy();
    await this.#engine.close();
  }
}
