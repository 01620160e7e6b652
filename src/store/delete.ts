import type BetterSqlite3 from 'better-sqlite3';
import type { SyncConnection } from './connection.js';
import type { RunStatus } from './database.js';
import { StoreError, wrapSqliteError } from './errors.js';

/** A run `deleteRuns` removed, as it stood. */
export interface DeletedRun {
  readonly id: number;
  readonly status: RunStatus;
  /** Events it held (the writer keeps `runs.events` exact with every batch). */
  readonly events: number;
}

/** What `vacuum` gave back: the store's pages before and after, in bytes. */
export interface VacuumResult {
  readonly before: number;
  readonly after: number;
}

/**
 * Delete runs `ids` (duplicates ignored), whatever their status, in one `BEGIN IMMEDIATE`
 * transaction: deleting a `runs` row cascades to its files, operations, folios, events and
 * checkpoints (`ON DELETE CASCADE`, `foreign_keys = ON`). Every child table's primary key starts
 * with `run_id`, so each cascade is a range delete on that key: its cost is the deleted runs'
 * rows, never the other runs'. Ids are not reused (`runs.id` is AUTOINCREMENT). The space stays
 * in the file, free for later runs, until `vacuum`. Sync.
 * @returns the deleted runs, in the order of `ids`
 * @throws StoreError `E_NO_RUN` naming every unknown id (then nothing is deleted), `E_DAMAGED`,
 *   `E_SQLITE`.
 */
export function deleteRuns(sqlite: BetterSqlite3.Database, ids: readonly number[]): DeletedRun[] {
  const tx = sqlite.transaction((unique: readonly number[]) => deleteRunRows(sqlite as unknown as SyncConnection, unique));
  if (sqlite.pragma('foreign_keys', { simple: true }) !== 1) {
    // openStore sets it on every connection; without it the child rows would stay behind.
    throw new StoreError('E_SQLITE', `${sqlite.name}: foreign keys are off, so runs cannot be deleted`);
  }
  try {
    return tx.immediate([...new Set(ids)]);
  } catch (e) {
    throw wrapSqliteError(e, sqlite.name, `cannot delete runs from ${sqlite.name}`);
  }
}

/**
 * The statements of a delete, either engine, for the caller's transaction: runs `unique` (no
 * duplicates) as they stood, then their rows (cascades by `run_id`). Sync.
 * @throws StoreError `E_NO_RUN` naming every unknown id, before anything is deleted.
 */
export function deleteRunRows(conn: SyncConnection, unique: readonly number[]): DeletedRun[] {
  const find = conn.prepare<[number]>('select id, status, events from runs where id = ?');
  const remove = conn.prepare<[number]>('delete from runs where id = ?');
  const found = unique.map((id) => find.get(id) as DeletedRun | undefined);
  const unknown = unique.filter((_id, k) => found[k] === undefined);
  if (unknown.length > 0) throw new StoreError('E_NO_RUN', `no run${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: nothing deleted`);
  for (const id of unique) remove.run(id);
  return found as DeletedRun[];
}

/**
 * Give the free space back to the file system: `VACUUM` rewrites the store without its free
 * pages, then `wal_checkpoint(TRUNCATE)` copies the rewrite into the file, truncates the file to
 * it and empties the WAL. While another connection reads, the checkpoint cannot finish and the
 * file shrinks when the last connection closes. Sync.
 * @throws StoreError `E_DAMAGED`, `E_SQLITE` (e.g. SQLITE_BUSY when a writer holds the store past
 *   the busy timeout).
 */
export function vacuum(sqlite: BetterSqlite3.Database): VacuumResult {
  const bytes = (): number => (sqlite.pragma('page_count', { simple: true }) as number) * (sqlite.pragma('page_size', { simple: true }) as number);
  try {
    const before = bytes();
    sqlite.exec('VACUUM');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { before, after: bytes() };
  } catch (e) {
    throw wrapSqliteError(e, sqlite.name, `cannot vacuum ${sqlite.name}`);
  }
}
