import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { damageOf } from './errors.js';

/*
 * One door for the store's reads after opening: a damaged file is reported as `E_DAMAGED`
 * wherever SQLite first notices it (a Kysely query, loadOperations, readEvents...), so no
 * command needs a try/catch of its own. Any other error passes through unchanged: the SQL of a
 * query command's user, say, is for that command to judge.
 */

/** Run `read`, turning SQLite's "damaged file" errors into `E_DAMAGED` naming `path`. Sync. */
export function guarded<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw damageOf(e, path) ?? e;
  }
}

export function* guardedRows<T>(path: string, rows: IterableIterator<T>): IterableIterator<T> {
  try {
    yield* rows;
  } catch (e) {
    throw damageOf(e, path) ?? e;
  }
}

/**
 * `sqlite` as the `SqliteDatabase` Kysely's `SqliteDialect` drives, with every statement
 * guarded, so that typed reads through `Store.db` report a damaged file as `E_DAMAGED` too.
 */
export function guardedDatabase(sqlite: BetterSqlite3.Database, path: string): SqliteDatabase {
  return {
    close: () => sqlite.close(),
    prepare: (text: string): SqliteStatement => {
      const stmt = guarded(path, () => sqlite.prepare<unknown[]>(text));
      return {
        reader: stmt.reader,
        all: (parameters) => guarded(path, () => stmt.all(parameters)),
        run: (parameters) => guarded(path, () => stmt.run(parameters)),
        iterate: (parameters) => guardedRows(path, guarded(path, () => stmt.iterate(parameters))),
      };
    },
  };
}
