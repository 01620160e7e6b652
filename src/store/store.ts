import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { type Clock, type RunMeta, beginRun } from './begin.js';
import type { LiveTable } from './checkpoints.js';
import type { Database } from './database.js';
import { StoreError } from './errors.js';
import { liveFoliosAt, loadCheckpoint, readEvents } from './log.js';
import type { OperationRecord, RunRecord, StoredEvent } from './rows.js';
import { getRun, listRuns, loadOperations, requireFinishedRun } from './runs.js';
import type { RunWriter, WriterOptions } from './writer.js';

/**
 * An open foliolog store: one better-sqlite3 connection, typed reads through `db`
 * (Kysely), synchronous writes through `beginRun`. Get one from `openStore`.
 *
 * ### Example
 * ```ts
 * const store = await openStore('foliolog.db')
 * const runs = await store.listRuns()
 * const rows = await store.db.selectFrom('folios').selectAll().where('run_id', '=', 1).execute()
 * await store.close()
 * ```
 */
export class Store {
  readonly #sqlite: BetterSqlite3.Database;
  readonly #db: Kysely<Database>;
  readonly #path: string;
  readonly #readonly: boolean;

  /** Internal: use `openStore`, which recognises and migrates the file first. */
  constructor(sqlite: BetterSqlite3.Database, db: Kysely<Database>, path: string, readonly: boolean) {
    this.#sqlite = sqlite;
    this.#db = db;
    this.#path = path;
    this.#readonly = readonly;
  }

  /** Kysely over the store's connection, for typed reads. */
  get db(): Kysely<Database> {
    return this.#db;
  }

  /** The path the store was opened with. */
  get path(): string {
    return this.#path;
  }

  /** True when opened with `{ readonly: true }`. */
  get readonly(): boolean {
    return this.#readonly;
  }

  /**
   * Start recording a run: inserts it as `incomplete` and returns its writer. Sync.
   * @throws StoreError `E_READONLY`, `E_SQLITE`.
   */
  beginRun(meta: RunMeta, clock: Clock, options?: WriterOptions): RunWriter {
    if (this.#readonly) throw new StoreError('E_READONLY', `${this.#path} is open read-only`);
    return beginRun(this.#sqlite, meta, clock, options);
  }

  /** Every run, oldest first. */
  listRuns(): Promise<RunRecord[]> {
    return listRuns(this.#db);
  }

  /** Run `id` whatever its status. @throws StoreError `E_NO_RUN`. */
  getRun(id: number): Promise<RunRecord> {
    return getRun(this.#db, id);
  }

  /** Run `id`, refused unless complete or failed. @throws StoreError `E_NO_RUN`, `E_INCOMPLETE`. */
  requireFinishedRun(id: number): Promise<RunRecord> {
    return requireFinishedRun(this.#db, id);
  }

  /** Operations of a run, 64-bit values exact. Sync. @throws StoreError `E_NO_RUN`. */
  loadOperations(runId: number): OperationRecord[] {
    return loadOperations(this.#sqlite, runId);
  }

  /** Events with `afterSeq < seq ≤ uptoSeq`, `arg` exact. Sync. */
  readEvents(runId: number, afterSeq: number, uptoSeq: number): StoredEvent[] {
    return readEvents(this.#sqlite, runId, afterSeq, uptoSeq);
  }

  /** The nearest checkpoint at or before `seq` (seq 0, empty, if none). Sync. */
  loadCheckpoint(runId: number, seq: number): { readonly seq: number; readonly table: LiveTable } {
    return loadCheckpoint(this.#sqlite, runId, seq);
  }

  /** The live folios after event `seq`: the nearest checkpoint plus the events after it. Sync. */
  liveFoliosAt(runId: number, seq: number): LiveTable {
    return liveFoliosAt(this.#sqlite, runId, seq);
  }

  /** Close the connection (Kysely's destroy closes better-sqlite3's database). */
  async close(): Promise<void> {
    await this.#db.destroy();
    if (this.#sqlite.open) this.#sqlite.close();
  }
}
