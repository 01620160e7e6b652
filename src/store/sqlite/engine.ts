import type BetterSqlite3 from 'better-sqlite3';
import type { SyncConnection } from '../connection.js';
import { type DeletedRun, type VacuumResult, deleteRuns, vacuum } from '../delete.js';
import type { BatchWriter, Engine } from '../engine.js';
import { StoreError, wrapSqliteError } from '../errors.js';
import type { PendingRows } from '../_pending.js';
import { type WriterStatements, prepareWriterStatements } from '../_statements.js';
import { type SqlRows, readOnlyQuery } from '../sql.js';
import { SqliteRunRows } from './run-rows.js';

/**
 * The SQLite backend: one better-sqlite3 connection, which is the readers' and the writer's
 * connection as it is; a batch is written with prepared multi-row inserts in one
 * `BEGIN IMMEDIATE` transaction.
 */
export class SqliteEngine implements Engine {
  readonly kind = 'sqlite';
  readonly #sqlite: BetterSqlite3.Database;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#sqlite = sqlite;
  }

  get conn(): SyncConnection {
    // better-sqlite3's Database is the API SyncConnection describes (its generics differ).
    return this.#sqlite as unknown as SyncConnection;
  }

  version(): string {
    return this.#sqlite.prepare('select sqlite_version()').pluck().get() as string;
  }

  batches(): BatchWriter {
    return new SqliteBatches(this.#sqlite);
  }

  deleteRuns(ids: readonly number[]): DeletedRun[] {
    return deleteRuns(this.#sqlite, ids);
  }

  vacuum(): VacuumResult {
    return vacuum(this.#sqlite);
  }

  query(text: string): SqlRows {
    return readOnlyQuery(this.#sqlite, this.#sqlite.name, text);
  }

  rows(): SqliteRunRows {
    return new SqliteRunRows(this.#sqlite);
  }

  async close(): Promise<void> {
    if (this.#sqlite.open) this.#sqlite.close();
  }
}

class SqliteBatches implements BatchWriter {
  readonly #stmts: WriterStatements;
  readonly #tx: BetterSqlite3.Transaction<(work: () => void) => void>;
  readonly #path: string;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#stmts = prepareWriterStatements(sqlite as unknown as SyncConnection);
    this.#tx = sqlite.transaction((work: () => void) => work());
    this.#path = sqlite.name;
  }

  transaction(work: () => void): void {
    this.#tx.immediate(work);
  }

  write(pending: PendingRows, runId: number, inferred: 0 | 1): void {
    pending.writeTo(this.#stmts, runId, inferred);
  }

  error(e: unknown, runId: number): StoreError {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new StoreError('E_SEQ_CONFLICT', `run ${runId}: duplicate key, two writers collided (${(e as Error).message})`, { cause: e });
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return new StoreError('E_NO_RUN', `run ${runId} was deleted while it was being recorded`, { cause: e });
    }
    return wrapSqliteError(e, this.#path, `run ${runId}: cannot write`);
  }
}
