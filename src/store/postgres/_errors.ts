import { StoreError } from '../errors.js';

/**
 * PostgreSQL's SQLSTATEs and Node's socket codes that mean "cannot reach or enter this
 * database": the URL is the user's input (exit 2), as a missing SQLite folder is.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ENOENT', 'ENOTFOUND', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH',
  '28000', '28P01', '3D000', '3F000', '42501', '57P03',
]);

/** The SQLSTATE of a unique-key violation. */
export const UNIQUE_VIOLATION = '23505';

/** The `code` of a pg error (a SQLSTATE, or Node's socket code), if any. Pure. */
export function pgCode(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wrap a pg error for `shown` (the URL without its password): `E_UNREADABLE` when the database
 * cannot be reached or entered, else `E_POSTGRES` as `what: message`. A `StoreError` passes through.
 */
export function wrapPgError(e: unknown, shown: string, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const detail = oneLine(e instanceof Error ? e.message || String(pgCode(e)) : String(e));
  const code = pgCode(e);
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new StoreError('E_UNREADABLE', `cannot open ${shown}: ${detail}`, { cause: e });
  }
  return new StoreError('E_POSTGRES', `${what}: ${detail}`, { cause: e });
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
