/*
 * The synchronous connection the store's readers and its writer use, whatever the engine:
 * the part of better-sqlite3's `Database` they call. A better-sqlite3 database is one as it is;
 * a PostgreSQL store hands them `PgConnection` (src/store/postgres/connection.ts), which runs
 * the same statements over libpq's blocking calls. So `at`, `history`, `diff` and the recorder
 * have one implementation for both backends, and each statement costs one round trip.
 *
 * SQL written for both engines: `?` placeholders (numbered for PostgreSQL by the backend),
 * `is distinct from` for a null-safe inequality, `returning` for a new id, no SQLite function
 * without a PostgreSQL one of the same name (migrations/_dialect.ts defines `iif`, `instr`,
 * `group_concat`). What only one engine has (pragmas, `VACUUM`, `indexed by`, blob casts) stays
 * in that engine's code, or is dropped by the PostgreSQL backend where it is only a hint.
 */

/** What `run` reports: rows changed. */
export interface RunResult {
  readonly changes: number | bigint;
}

/** A prepared statement (better-sqlite3's `Statement`, as far as the store uses it). */
export interface SyncStatement<P extends unknown[] = unknown[]> {
  run(...params: P): RunResult;
  get(...params: P): unknown;
  all(...params: P): unknown[];
  iterate(...params: P): IterableIterator<unknown>;
  /** Rows as their first column's value. */
  pluck(toggle?: boolean): this;
  /** Rows as arrays of their columns' values, in order. */
  raw(toggle?: boolean): this;
  /** Integers as `bigint`, exact past 2^53. */
  safeIntegers(toggle?: boolean): this;
}

/** A connection (better-sqlite3's `Database`, as far as the store's readers and writer use it). */
export interface SyncConnection {
  /** The file path or the URL (without its password), as messages show it. */
  readonly name: string;
  readonly inTransaction: boolean;
  prepare<P extends unknown[] = unknown[]>(text: string): SyncStatement<P>;
  /** Run SQL text that returns nothing (several statements allowed). */
  exec(text: string): unknown;
  /** `fn` wrapped in BEGIN ... COMMIT (ROLLBACK when it throws). */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
}
