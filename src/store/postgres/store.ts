import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../database.js';
import type { RunRecord } from '../rows.js';
import { getRun, listRuns, requireFinishedRun } from '../runs.js';
import { PostgresRunRows } from './run-rows.js';

/**
 * An open foliolog store in a PostgreSQL database: a pg pool, typed reads through `db`
 * (Kysely's PostgresDialect; int8 columns come back as lossy `number`s past 2^53, as through
 * the SQLite store's Kysely), and the copy side of `foliolog push` (`rows()`, exact). Get one
 * from `openPostgresStore`. So far it lists runs and takes or gives pushed runs; it records,
 * replays and queries nothing yet.
 *
 * ### Example
 * ```ts
 * const store = await openPostgresStore('postgres://me@/foliolog?host=/run/postgresql', 'existing')
 * for (const run of await store.listRuns()) console.log(run.id, run.status)
 * await store.close()
 * ```
 */
export class PostgresStore {
  readonly #pool: pg.Pool;
  readonly #db: Kysely<Database>;
  readonly #shown: string;

  /** Internal: use `openPostgresStore`, which recognises and migrates the database first. */
  constructor(pool: pg.Pool, db: Kysely<Database>, shown: string) {
    this.#pool = pool;
    this.#db = db;
    this.#shown = shown;
  }

  /** Kysely over the pool, for typed reads. */
  get db(): Kysely<Database> {
    return this.#db;
  }

  /** The URL the store was opened with, its password (if any) shown as `***`. */
  get path(): string {
    return this.#shown;
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

  /** This store's side of a copy of runs (`foliolog push`). */
  rows(): PostgresRunRows {
    return new PostgresRunRows(this.#pool, this.#shown);
  }

  /** Close the pool (Kysely's destroy ends it). */
  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
