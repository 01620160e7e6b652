/**
 * Why the store refused or failed. The CLI maps the input-side codes to exit 2
 * (product.md §3) and everything else to 70.
 *
 * - `E_FOREIGN`: the file is not SQLite, or another application's SQLite file; a PostgreSQL
 *   database holding tables that are not a foliolog store's.
 * - `E_NEWER`: the store carries migrations this build does not know (made by a newer foliolog).
 * - `E_NO_STORE`: a command that only reads found a missing or 0-byte file (and created nothing).
 * - `E_NEEDS_MIGRATION`: a read-only open of a store that is not migrated yet.
 * - `E_DAMAGED`: the file is a damaged store: SQLite reports SQLITE_CORRUPT* or SQLITE_NOTADB, the
 *   header is cut short or impossible, or `kysely_migration` holds an impossible row.
 * - `E_NO_RUN`: no run has that id.
 * - `E_INCOMPLETE`: the run's writer stopped before finishing.
 * - `E_READONLY`: a write through a store opened read-only.
 * - `E_SEQ_CONFLICT`: an event key already exists (two writers collided on one run).
 * - `E_BAD_EVENT`: an event out of seq order, or naming a folio that is not live.
 * - `E_WRITER_CLOSED`: a write after `finish()`.
 * - `E_CORRUPT`: a stored value does not decode (checkpoint blob, JSON column).
 * - `E_UNREADABLE`: the path cannot be read or opened (a directory, a missing folder, no permission).
 * - `E_MIGRATION`: Kysely's migrator reported an error.
 * - `E_NOT_READ_ONLY`: a user's SQL statement could change the store or open another file (`Store.query`).
 * - `E_SQL`: SQLite refused or failed a user's SQL statement (its message, one line).
 * - `E_SQLITE`: any other driver error, wrapped as `cause`.
 * - `E_DUPLICATE_RUN`: `push` found the run already in the target store (its origin, or itself).
 * - `E_UNSUPPORTED`: a command that does not work on a PostgreSQL store yet.
 * - `E_POSTGRES`: any other PostgreSQL driver or server error, wrapped as `cause`.
 */
export type StoreErrorCode =
  | 'E_FOREIGN'
  | 'E_NEWER'
  | 'E_NO_STORE'
  | 'E_NEEDS_MIGRATION'
  | 'E_DAMAGED'
  | 'E_NO_RUN'
  | 'E_INCOMPLETE'
  | 'E_READONLY'
  | 'E_SEQ_CONFLICT'
  | 'E_BAD_EVENT'
  | 'E_WRITER_CLOSED'
  | 'E_CORRUPT'
  | 'E_UNREADABLE'
  | 'E_MIGRATION'
  | 'E_NOT_READ_ONLY'
  | 'E_SQL'
  | 'E_SQLITE'
  | 'E_DUPLICATE_RUN'
  | 'E_UNSUPPORTED'
  | 'E_POSTGRES';

/**
 * An error of the store layer: a one-line `message`, a `code`, and the driver error as `cause`.
 *
 * ### Example
 * ```ts
 * try {
 *   await openStore('notes.txt', 'existing')
 * } catch (e) {
 *   if (isStoreError(e) && e.code === 'E_FOREIGN') console.error(e.message)
 * }
 * ```
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `e` is a `StoreError` (optionally with that `code`). Pure. */
export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}

/** `E_DAMAGED` for `path`, with what was found wrong (one line). */
export function damaged(path: string, detail: string, options?: { readonly cause?: unknown }): StoreError {
  return new StoreError('E_DAMAGED', `${path} is damaged: ${detail}`, options);
}

/**
 * The driver error `e` as `E_DAMAGED` when SQLite says the file does not parse as a database
 * (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB), else undefined. Pure.
 */
export function damageOf(e: unknown, path: string): StoreError | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return undefined;
  return damaged(path, `${(e as Error).message} (${code})`, { cause: e });
}

/**
 * Wrap a driver error: `E_DAMAGED` naming `path` when SQLite reports a damaged file (see
 * `damageOf`), else `E_SQLITE` as `what: message`. A `StoreError` passes through.
 */
export function wrapSqliteError(e: unknown, path: string, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const damage = damageOf(e, path);
  if (damage !== undefined) return damage;
  const detail = e instanceof Error ? e.message : String(e);
  return new StoreError('E_SQLITE', `${what}: ${detail}`, { cause: e });
}
