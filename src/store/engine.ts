import type { SyncConnection } from './connection.js';
import type { PendingRows } from './_pending.js';
import type { DeletedRun, VacuumResult } from './delete.js';
import type { StoreError } from './errors.js';
import type { RunRows } from './run-rows.js';
import type { SqlRows } from './sql.js';

/*
 * What differs between the store's two backends (src/store/sqlite/, src/store/postgres/), as
 * Kysely separates dialects: the synchronous connection the readers and the writer share, how
 * a writer's batch reaches the tables, and the few commands one engine does its own way. `Store`
 * holds one and names no engine.
 */

/** How a backend writes a `RunWriter`'s batches. */
export interface BatchWriter {
  /** Run `work` as one write transaction (SQLite: `BEGIN IMMEDIATE`). */
  transaction(work: () => void): void;
  /** Write `pending`'s rows of run `runId`; called inside `transaction`. */
  write(pending: PendingRows, runId: number, inferred: 0 | 1): void;
  /** The StoreError a failed batch of run `runId` is: `E_SEQ_CONFLICT` for a key taken, `E_NO_RUN` for a run deleted meanwhile. */
  error(e: unknown, runId: number): StoreError;
}

/** One backend of a `Store`. */
export interface Engine {
  readonly kind: 'sqlite' | 'postgres';
  /** The connection the readers and the writer use (PostgreSQL: connected at first use). */
  readonly conn: SyncConnection;
  /** The engine's version, recorded with each run (`runs.sqlite_version`). */
  version(): string;
  batches(): BatchWriter;
  deleteRuns(ids: readonly number[]): DeletedRun[];
  vacuum(): VacuumResult;
  /** One read-only SQL statement of a user's (`foliolog query`). */
  query(text: string): SqlRows;
  /** The side of a copy of runs (`foliolog push`). */
  rows(): RunRows;
  close(): Promise<void>;
}
