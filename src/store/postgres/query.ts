import { StoreError } from '../errors.js';
import { type SqlCell, type SqlRows, firstWord } from '../sql.js';
import { type PgConnection, resultColumns, resultRows } from './connection.js';

/** The statements a user's query may start with: those that return rows. */
const READERS = new Set(['select', 'with', 'values', 'table']);

/** SQLSTATE 25006: a write inside a read-only transaction. */
const READ_ONLY_SQL_TRANSACTION = '25006';

/** Rows fetched per round trip. */
const FETCH_ROWS = 10_000;

/**
 * Run one SQL statement of a user's that only reads (`foliolog query` on PostgreSQL): it must
 * start with a keyword that returns rows (SELECT, WITH, VALUES, TABLE: a cursor's query), and it runs
 * inside `BEGIN READ ONLY`, where PostgreSQL itself refuses any write (a data-modifying WITH,
 * `nextval`, `setval`), and is rolled back when its rows have been read.
 * One statement only (a cursor takes one). Integers exact as `bigint`.
 * @throws StoreError `E_NOT_READ_ONLY` (one line saying why), `E_SQL` (PostgreSQL's message).
 *
 * ### Example
 * ```ts
 * const { columns, rows } = readOnlyQuery(conn, 'select folio, states from folio_lifetimes where run_id = 1')
 * ```
 */
export function readOnlyQuery(conn: PgConnection, text: string): SqlRows {
  if (text.trim() === '') throw new StoreError('E_SQL', 'no SQL statement to run');
  const { word } = firstWord(text);
  if (!READERS.has(word)) throw new StoreError('E_NOT_READ_ONLY', `only read-only statements are allowed (${word} is not a query)`);
  const body = text.replace(/[\s;]+$/, '');
  conn.exec('begin read only');
  try {
    sqlError(() => conn.executeOnce(`declare fl_query no scroll cursor for ${body}`, [], true));
    const first = sqlError(() => conn.executeOnce(`fetch forward ${FETCH_ROWS} from fl_query`, [], true));
    const columns = resultColumns(first);
    const rows = resultRows(first, Infinity, 'raw', true) as SqlCell[][];
    return { columns, rows: rest(conn, rows) };
  } catch (e) {
    conn.exec('rollback');
    throw e;
  }
}

function* rest(conn: PgConnection, first: SqlCell[][]): IterableIterator<readonly SqlCell[]> {
  try {
    let rows = first;
    for (;;) {
      yield* rows;
      if (rows.length < FETCH_ROWS) return;
      rows = resultRows(sqlError(() => conn.executeOnce(`fetch forward ${FETCH_ROWS} from fl_query`, [], true)), Infinity, 'raw', true) as SqlCell[][];
    }
  } finally {
    if (conn.open) conn.exec('rollback');
  }
}

/** Run `f`; PostgreSQL's refusal of the user's SQL as `E_SQL`, or `E_NOT_READ_ONLY` for a write. */
function sqlError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const cause = (e as { cause?: { code?: unknown; message?: string } }).cause;
    if (cause?.code === READ_ONLY_SQL_TRANSACTION) {
      throw new StoreError('E_NOT_READ_ONLY', `only read-only statements are allowed (PostgreSQL: ${cause.message})`, { cause: e });
    }
    if (cause !== undefined && typeof cause.code === 'string') throw new StoreError('E_SQL', cause.message ?? String(e), { cause: e });
    throw e;
  }
}
