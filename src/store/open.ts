import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { guardedDatabase } from './_guard.js';
import { probeAppendPaths } from './_probe.js';
import { APPLICATION_ID, recognize } from './_recognize.js';
import type { Database } from './database.js';
import { StoreError, wrapSqliteError } from './errors.js';
import { type Migrations, executedMigrations, loadMigrations, migrateToLatest, needsMigration } from './migrate.js';
import { isPostgresUrl, openPostgresStore } from './postgres/index.js';
import { SqliteEngine } from './sqlite/index.js';
import { Store } from './store.js';

/** Busy timeout of every connection, ms (product.md §4: at least 10 s). */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * How a command opens the store (product.md §4); every caller picks one.
 * - `'create'`: commands that record (`run`, `kernel`, later `fuzz`, `compare`, `push`). A
 *   missing or 0-byte file becomes a new store; an older store is migrated forward.
 * - `'existing'`: commands that read (`runs`, `diff`, later `at`, `history`) or delete runs. A
 *   missing or 0-byte file is refused and nothing is created; an existing store is opened
 *   writable, so an older one is migrated forward as with `'create'`.
 * - `'readonly'`: `query`. A read-only connection: refuses a missing file, and a store that
 *   needs migrating instead of migrating it.
 */
export type OpenMode = 'create' | 'existing' | 'readonly';

/**
 * Open the store at `path` (or `:memory:`) in `mode`. Recognises the file before any write: a
 * missing or 0-byte file becomes a new store (application_id 0x466f6c67 'Folg') in `'create'`
 * mode only; a foliolog store is opened; anything else is refused, untouched. A store about to
 * be recorded into has the pages new rows go to read first (`probeAppendPaths`). Then
 * `journal_mode = WAL`, `foreign_keys = ON`, a 10 s busy timeout, and the migrations it lacks,
 * inside `BEGIN IMMEDIATE` (a store already up to date takes no write lock).
 * A `postgres://` or `postgresql://` URL opens a PostgreSQL store instead (`openPostgresStore`).
 * @throws StoreError `E_NO_STORE` (missing or 0-byte file, mode not `'create'`), `E_FOREIGN`
 *   (not SQLite, or another application's), `E_DAMAGED`, `E_NEWER` (unknown migrations),
 *   `E_NEEDS_MIGRATION` (`'readonly'` and behind), `E_UNREADABLE`, `E_MIGRATION`, `E_SQLITE`.
 *
 * ### Example
 * ```ts
 * const recorder = await openStore('./foliolog.db', 'create')
 * const lister = await openStore('./foliolog.db', 'existing') // throws E_NO_STORE for a typo
 * const reader = await openStore('./foliolog.db', 'readonly')
 * ```
 */
export async function openStore(path: string, mode: OpenMode): Promise<Store> {
  if (isPostgresUrl(path)) return openPostgresStore(path, mode);
  const kind = recognize(path);
  if (kind === 'new' && mode !== 'create') {
    throw new StoreError('E_NO_STORE', `${path}: no foliolog store here (run or kernel creates one)`);
  }
  const migrations = await loadMigrations();
  if (mode === 'readonly') return openReadonly(path, migrations);
  const sqlite = connect(path, false);
  try {
    let behind = true;
    if (kind === 'new') claim(sqlite, path);
    else {
      // Before the pragmas below could rewrite anything: a newer foliolog's store is refused
      // (migrateToLatest checks again under the write lock), and damage is found where we read.
      behind = needsMigration(path, executedMigrations(sqlite, path), migrations);
      if (mode === 'create') probeAppendPaths(sqlite);
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    const db = kysely(sqlite, path);
    if (behind) await migrateToLatest(sqlite, db, path, migrations);
    return new Store(new SqliteEngine(sqlite), db, path, false);
  } catch (e) {
    sqlite.close();
    throw wrapSqliteError(e, path, `cannot open ${path}`);
  }
}

function openReadonly(path: string, migrations: Migrations): Store {
  const sqlite = connect(path, true);
  try {
    if (needsMigration(path, executedMigrations(sqlite, path), migrations)) {
      throw new StoreError('E_NEEDS_MIGRATION', `${path} needs migrating: run any other foliolog command on it first (e.g. foliolog runs)`);
    }
    return new Store(new SqliteEngine(sqlite), kysely(sqlite, path), path, true);
  } catch (e) {
    sqlite.close();
    throw wrapSqliteError(e, path, `cannot open ${path}`);
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

function kysely(sqlite: BetterSqlite3.Database, path: string): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: guardedDatabase(sqlite, path) }) });
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
