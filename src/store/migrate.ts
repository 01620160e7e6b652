import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { MigrationFolderProvider } from './_migration-provider.js';
import { StoreError, damaged, wrapSqliteError } from './errors.js';

/**
 * The `migrations/` folder, resolved from this module: `src/store/` → `migrations/` under
 * vitest (the `.ts` files), `dist/src/store/` → `dist/migrations/` at run time (compiled `.js`).
 */
export const MIGRATION_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Migrations by name, as `MigrationProvider.getMigrations()` returns them. */
export type Migrations = Readonly<Record<string, Migration>>;

/** Load every migration of `folder` (default `MIGRATION_FOLDER`). */
export async function loadMigrations(folder: string = MIGRATION_FOLDER): Promise<Migrations> {
  return new MigrationFolderProvider(folder).getMigrations();
}

/**
 * A Kysely `Migrator` over already-loaded migrations, so that running it inside a transaction
 * awaits nothing but settled promises.
 *
 * ### Example
 * ```ts
 * const migrator = createMigrator(store.db, await loadMigrations())
 * const { error } = await migrator.migrateTo(NO_MIGRATIONS)
 * if (error) throw error
 * ```
 */
export function createMigrator<DB>(db: Kysely<DB>, migrations: Migrations): Migrator {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...migrations }) };
  // SqliteAdapter.supportsTransactionalDdl is false, so on SQLite the Migrator opens no
  // transaction of its own; disableTransactions says so explicitly, since we run it inside BEGIN
  // IMMEDIATE. On PostgreSQL every pending migration runs in one transaction: all or nothing.
  const transactional = db.getExecutor().adapter.supportsTransactionalDdl;
  return new Migrator({ db, provider, disableTransactions: !transactional });
}

/**
 * Names recorded in `kysely_migration`, or none when the table does not exist yet. Sync.
 * Reads both columns, so the table's own pages are read as well as its index's.
 * @throws StoreError `E_DAMAGED` for a row Kysely cannot have written (a name or timestamp that
 *   is not text, an empty name).
 */
export function executedMigrations(sqlite: BetterSqlite3.Database, path: string): string[] {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (table === undefined) return [];
  const rows = sqlite.prepare('select name, timestamp from kysely_migration order by name').raw(true).all() as unknown[][];
  return rows.map(([name, timestamp]) => {
    if (typeof name !== 'string' || name === '' || typeof timestamp !== 'string') {
      throw damaged(path, `impossible kysely_migration row (name ${shown(name)}, timestamp ${shown(timestamp)})`);
    }
    return name;
  });
}

/** A stored value in one line: strings quoted, blobs by kind. Pure. */
function shown(v: unknown): string {
  if (v instanceof Uint8Array) return 'a blob';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Compare the store's executed migrations with the ones this build knows.
 * @returns true when some known migration has not run yet.
 * @throws StoreError `E_NEWER` when the store names a migration this build does not know.
 */
export function needsMigration(path: string, executed: readonly string[], known: Migrations): boolean {
  const unknown = executed.find((name) => !Object.hasOwn(known, name));
  if (unknown !== undefined) {
    throw new StoreError('E_NEWER', `${path} was made by a newer foliolog (unknown migration ${unknown})`);
  }
  return Object.keys(known).some((name) => !executed.includes(name));
}

/** Serialises migrations within this process: see `migrateToLatest`. */
let inProcess: Promise<unknown> = Promise.resolve();

/**
 * Migrate to the latest known migration inside `BEGIN IMMEDIATE` on `sqlite`, the connection
 * under `db`. Kysely's SQLite migration lock is a no-op; the write lock keeps two processes from
 * both creating the tables. Within one process, a second connection's BEGIN IMMEDIATE would
 * block the event loop in the busy handler while the first awaits its migrator, so opens are
 * also queued on a module-level promise.
 * @throws StoreError `E_NEWER`, `E_MIGRATION` (the Migrator's returned `error` as cause).
 */
export function migrateToLatest<DB>(sqlite: BetterSqlite3.Database, db: Kysely<DB>, path: string, migrations: Migrations): Promise<void> {
  const run = inProcess.then(() => migrateLocked(sqlite, db, path, migrations));
  inProcess = run.catch(() => undefined);
  return run;
}

async function migrateLocked<DB>(sqlite: BetterSqlite3.Database, db: Kysely<DB>, path: string, migrations: Migrations): Promise<void> {
  try {
    sqlite.exec('BEGIN IMMEDIATE');
  } catch (e) {
    throw wrapSqliteError(e, path, `cannot lock ${path} to migrate it`);
  }
  try {
    if (needsMigration(path, executedMigrations(sqlite, path), migrations)) {
      const { error } = await createMigrator(db, migrations).migrateToLatest();
      if (error !== undefined) {
        if (error instanceof StoreError) throw error; // E_DAMAGED, from a guarded statement
        const detail = error instanceof Error ? error.message : String(error);
        throw new StoreError('E_MIGRATION', `cannot migrate ${path}: ${detail}`, { cause: error });
      }
    }
    sqlite.exec('COMMIT');
  } catch (e) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw wrapSqliteError(e, path, `cannot migrate ${path}`);
  }
}
