import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import { StoreError } from '../errors.js';
import { type Migrations, createMigrator, loadMigrations, needsMigration } from '../migrate.js';
import type { OpenMode } from '../open.js';
import { wrapPgError } from './_errors.js';
import { shownUrl } from './url.js';
import { Store } from '../store.js';
import { PostgresEngine } from './engine.js';

/** The session advisory lock that recognising and migrating a database holds: 'Folg'. */
const OPEN_LOCK = 0x466f6c67;

/** The first migration: a database whose `kysely_migration` lacks it is not a foliolog store. */
const FIRST_MIGRATION = '0001_create_runs_and_events';

/** OID of int8: a `number` through Kysely, as the SQLite store's Kysely reads give (exact reads go through `rows()`). */
const INT8 = 20;

/**
 * Open the foliolog store in the PostgreSQL database at `url`, any node-postgres connection
 * URL, passed to pg as given (a Unix socket: `postgres://me@/db?host=/run/postgresql`). Under a
 * session advisory lock, so that two openers do not race, the database's tables (in its current
 * schema) are read before anything is written: none make a new store in `'create'` mode (the
 * migrations create it, all in one transaction); a foliolog store is migrated forward; anything
 * else is refused, untouched.
 * @throws StoreError `E_NO_STORE` (no tables, mode not `'create'`), `E_FOREIGN` (tables that
 *   are not a foliolog store's), `E_NEWER` (unknown migrations), `E_NEEDS_MIGRATION` (`'readonly'` and behind),
 *   `E_UNREADABLE` (cannot connect or log in, no such database), `E_MIGRATION`, `E_POSTGRES`.
 *
 * ### Example
 * ```ts
 * const target = await openPostgresStore('postgres://me@/foliolog?host=/run/postgresql', 'create')
 * ```
 */
export async function openPostgresStore(url: string, mode: OpenMode): Promise<Store> {
  const shown = shownUrl(url);
  const migrations = await loadMigrations();
  const pool = new pg.Pool({
    connectionString: url,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8 ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'] },
  });
  // An idle client's connection that drops is reported here, not thrown at the next query.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await recognizeAndMigrate(pool, db, shown, mode, migrations);
    return new Store(new PostgresEngine(url, shown, pool), db, shown, mode === 'readonly');
  } catch (e) {
    await db.destroy();
    throw wrapPgError(e, shown, `cannot open ${shown}`);
  }
}

async function recognizeAndMigrate(pool: pg.Pool, db: Kysely<Database>, shown: string, mode: OpenMode,
  migrations: Migrations): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [OPEN_LOCK]);
    try {
      const executed = await recognize(client, shown);
      if (executed === 'new' && mode !== 'create') {
        throw new StoreError('E_NO_STORE', `${shown}: no foliolog store here (push creates one)`);
      }
      if (executed !== 'new' && mode === 'readonly' && needsMigration(shown, executed, migrations)) {
        throw new StoreError('E_NEEDS_MIGRATION', `${shown} needs migrating: run any other foliolog command on it first (e.g. foliolog runs)`);
      }
      if (executed === 'new' || needsMigration(shown, executed, migrations)) {
        const { error } = await createMigrator(db, migrations).migrateToLatest();
        if (error !== undefined) {
          const detail = error instanceof Error ? error.message : String(error);
          throw new StoreError('E_MIGRATION', `cannot migrate ${shown}: ${detail}`, { cause: error });
        }
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [OPEN_LOCK]);
    }
  } finally {
    client.release();
  }
}

/**
 * What the database's current schema holds, read only: 'new' when it has no table or view,
 * else the names of the migrations a foliolog store recorded.
 * @throws StoreError `E_FOREIGN` for tables without foliolog's migrations.
 */
async function recognize(client: pg.PoolClient, shown: string): Promise<'new' | string[]> {
  const { rows } = await client.query<{ name: string }>(`select table_name as name from information_schema.tables
    where table_schema = current_schema() order by table_name`);
  if (rows.length === 0) return 'new';
  const names = rows.map((r) => r.name);
  if (names.includes('kysely_migration')) {
    const executed = (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name);
    if (executed.includes(FIRST_MIGRATION)) return executed;
  }
  const listed = names.length > 5 ? `${names.slice(0, 5).join(', ')}, ...` : names.join(', ');
  throw new StoreError('E_FOREIGN', `${shown} is not a foliolog store (a PostgreSQL database with tables ${listed})`);
}
