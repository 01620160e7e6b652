import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { APPLICATION_ID, recognize } from './_recognize.js';
import type { Database } from './database.js';
import { StoreError, wrapSqliteError } from './errors.js';
import { type Migrations, executedMigrations, loadMigrations, migrateToLatest, needsMigration } from './migrate.js';
import { Store } from './store.js';

/** Busy timeout of every connection, ms (product.md §4: at least 10 s). */
export const BUSY_TIMEOUT_MS = 10_000;

/** Options of `openStore`. */
export interface OpenOptions {
  /** Open read-only (`foliolog query`): refuse a store that needs migrating instead of migrating it. */
  readonly readonly?: boolean;
}

/**
 * Open the store at `path` (or `:memory:`). Recognises the file before any write: a missing or
 * 0-byte file becomes a new store (application_id 0x466f6c67 'Folg'); a foliolog store is opened;
 * anything else is refused, untouched. Then `journal_mode = WAL`, `foreign_keys = ON`, a
 * 10 s busy timeout, and the migrations, inside `BEGIN IMMEDIATE`.
 * @throws StoreError `E_FOREIGN` (not SQLite, or another application's), `E_NEWER` (unknown
 *   migrations), `E_NEEDS_MIGRATION` (read-only and missing, empty or behind), `E_MIGRATION`, `E_SQLITE`.
 *
 * ### Example
 * ```ts
 * const store = await openStore('./foliolog.db')
 * const reader = await openStore('./foliolog.db', { readonly: true })
 * ```
 */
export async function openStore(path: string, options: OpenOptions = {}): Promise<Store> {
  const kind = recognize(path);
  const migrations = await loadMigrations();
  if (options.readonly === true) {
    if (kind === 'new') throw new StoreError('E_NEEDS_MIGRATION', `${path} holds no foliolog store yet (nothing to read)`);
    return openReadonly(path, migrations);
  }
  const sqlite = connect(path, false);
  try {
    if (kind === 'new') claim(sqlite, path);
    // A newer foliolog's store is refused before the pragmas below could rewrite anything;
    // migrateToLatest checks again under the write lock.
    else needsMigration(path, executedMigrations(sqlite), migrations);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    const db = kysely(sqlite);
    await migrateToLatest(sqlite, db, path, migrations);
    return new Store(sqlite, db, path, false);
  } catch (e) {
    sqlite.close();
    throw wrapSqliteError(e, `cannot open ${path}`);
  }
}

function openReadonly(path: string, migrations: Migrations): Store {
  const sqlite = connect(path, true);
  try {
    if (needsMigration(path, executedMigrations(sqlite), migrations)) {
      throw new StoreError('E_NEEDS_MIGRATION', `${path} needs migrating: open it once with a command that writes`);
    }
    return new Store(sqlite, kysely(sqlite), path, true);
  } catch (e) {
    sqlite.close();
    throw wrapSqliteError(e, `cannot open ${path}`);
  }
}

function connect(path: string, readonly: boolean): BetterSqlite3.Database {
  try {
    return new BetterSqlite3(path, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    // The driver refuses before anything is written: a missing folder, no permission.
    throw new StoreError('E_UNREADABLE', `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function kysely(sqlite: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/**
 * Stamp a new file with our application_id, under the write lock: another process may have
 * created it meanwhile (then it is ours already), or, very unlikely, another application.
 */
function claim(sqlite: BetterSqlite3.Database, path: string): void {
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const id = sqlite.pragma('application_id', { simple: true }) as number;
    if (id !== APPLICATION_ID) {
      const objects = sqlite.prepare('select count(*) from sqlite_master').pluck().get() as number;
      if (id !== 0 || objects !== 0) throw new StoreError('E_FOREIGN', `${path} is not a foliolog store`);
      sqlite.pragma(`application_id = ${APPLICATION_ID}`);
    }
    sqlite.exec('COMMIT');
  } catch (e) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw e;
  }
}
