/**
 * Why the store refused or failed. The CLI maps the input-side codes to exit 2
 * (product.md §3) and everything else to 70.
 *
 * - `E_FOREIGN`: the file is not SQLite, or another application's SQLite file.
 * - `E_NEWER`: the store carries migrations this build does not know (made by a newer foliolog).
 * - `E_NEEDS_MIGRATION`: a read-only open of a store that is missing, empty or not migrated.
 * - `E_NO_RUN`: no run has that id.
 * - `E_INCOMPLETE`: the run's writer stopped before finishing.
 * - `E_READONLY`: a write through a store opened read-only.
 * - `E_SEQ_CONFLICT`: an event key already exists (two writers collided on one run).
 * - `E_BAD_EVENT`: an event out of seq order, or naming a folio that is not live.
 * - `E_WRITER_CLOSED`: a write after `finish()`.
 * - `E_CORRUPT`: a stored value does not decode (checkpoint blob, JSON column).
 * - `E_UNREADABLE`: the path cannot be read or opened (a directory, a missing folder, no permission).
 * - `E_MIGRATION`: Kysely's migrator reported an error.
 * - `E_SQLITE`: any other driver error, wrapped as `cause`.
 */
export type StoreErrorCode =
  | 'E_FOREIGN'
  | 'E_NEWER'
  | 'E_NEEDS_MIGRATION'
  | 'E_NO_RUN'
  | 'E_INCOMPLETE'
  | 'E_READONLY'
  | 'E_SEQ_CONFLICT'
  | 'E_BAD_EVENT'
  | 'E_WRITER_CLOSED'
  | 'E_CORRUPT'
  | 'E_UNREADABLE'
  | 'E_MIGRATION'
  | 'E_SQLITE';

/**
 * An error of the store layer: a one-line `message`, a `code`, and the driver error as `cause`.
 *
 * ### Example
 * ```ts
 * try {
 *   await openStore('notes.txt')
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

/** Wrap a driver error as `StoreError` `E_SQLITE` unless it already is a `StoreError`. */
export function wrapSqliteError(e: unknown, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new StoreError('E_SQLITE', `${what}: ${detail}`, { cause: e });
}
