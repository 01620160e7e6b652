import BetterSqlite3 from 'better-sqlite3';
import { StoreError, damageOf } from './errors.js';
import { oneLine } from './rows.js';

/** A value as the store returns it to SQL users: integers exact as `bigint`, reals as `number`, blobs as bytes. */
export type SqlCell = bigint | number | string | Uint8Array | null;

/** The answer of one read-only statement: its column names, then its rows, read as they are iterated. */
export interface SqlRows {
  readonly columns: readonly string[];
  /** Each row's cells in column order. Iterate once, before the store is closed. */
  readonly rows: IterableIterator<readonly SqlCell[]>;
}

/**
 * Prepare one SQL statement of a user's and refuse it unless it only reads: SQLite must mark it
 * read-only (`sqlite3_stmt_readonly`) and returning rows — which refuses INSERT, UPDATE,
 * DELETE, DDL, VACUUM (INTO another file too), ATTACH/DETACH (read-only for SQLite, but they open
 * other files), BEGIN/SAVEPOINT — and a PRAGMA must carry no value or argument
 * (`pragma cache_size = 10` is "read-only" for SQLite; read a pragma as `select * from pragma_NAME`).
 * Nothing runs before the statement is accepted. The rows come with safeIntegers, so 64-bit
 * values stay exact. Sync.
 * @throws StoreError `E_NOT_READ_ONLY` (one line saying why), `E_SQL` (SQLite's own message: a
 *   syntax error, an unknown table or column, no statement or more than one, an error while
 *   running), `E_DAMAGED`.
 *
 * ### Example
 * ```ts
 * const { columns, rows } = readOnlyQuery(sqlite, 'x.db', 'select folio, states from folio_lifetimes where run_id = 1')
 * for (const [folio, states] of rows) console.log(folio, states) // 1n 'allocated,split'
 * ```
 */
export function readOnlyQuery(sqlite: BetterSqlite3.Database, path: string, text: string): SqlRows {
  const stmt = translate(path, () => sqlite.prepare<unknown[]>(text));
  const refusal = whyNotReadOnly(stmt, text);
  if (refusal !== undefined) throw new StoreError('E_NOT_READ_ONLY', `only read-only statements are allowed (${refusal})`);
  const columns = stmt.columns().map((c) => c.name);
  return { columns, rows: translatedRows(path, stmt.raw(true).safeIntegers(true)) };
}

/** Why `stmt` (of SQL `text`) may not run here, or undefined when it only reads. Pure. */
function whyNotReadOnly(stmt: BetterSqlite3.Statement<unknown[]>, text: string): string | undefined {
  const { word, rest } = firstWord(text);
  if (word === 'pragma' && /[=(]/.test(rest)) {
    return 'a pragma with a value or an argument can change a setting; read one as select * from pragma_NAME';
  }
  if (word === 'attach' || word === 'detach') return `${word} opens or closes another database file`;
  if (!stmt.readonly) return `SQLite says this ${word} statement can write`;
  if (!stmt.reader) return `${word} returns no rows: only queries run here`;
  return undefined;
}

/** The first keyword of `text`, lowercased, after blanks and comments, and the text after it. Pure. */
export function firstWord(text: string): { readonly word: string; readonly rest: string } {
  const m = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*([A-Za-z_]+)/.exec(text);
  return m === null ? { word: 'this', rest: text } : { word: m[1]!.toLowerCase(), rest: text.slice(m[0].length) };
}

/** Run `f`, turning the driver's errors into StoreErrors: damage, or the user's SQL refused. */
function translate<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw sqlError(e, path);
  }
}

/**
 * The statement's rows, stepped only once iteration begins: an answer whose rows are never read
 * leaves the connection free to close. Stopping early (`break`) resets the statement.
 */
function* translatedRows(path: string, stmt: BetterSqlite3.Statement<unknown[]>): IterableIterator<readonly SqlCell[]> {
  try {
    yield* stmt.iterate() as IterableIterator<SqlCell[]>;
  } catch (e) {
    throw sqlError(e, path);
  }
}

function sqlError(e: unknown, path: string): unknown {
  const damage = damageOf(e, path);
  if (damage !== undefined) return damage;
  if (e instanceof BetterSqlite3.SqliteError) return new StoreError('E_SQL', oneLine(e.message), { cause: e });
  // better-sqlite3 refuses an empty string, or several statements, with a RangeError.
  if (e instanceof RangeError && /no statements/.test(e.message)) return new StoreError('E_SQL', 'no SQL statement to run', { cause: e });
  if (e instanceof RangeError && /more than one statement/.test(e.message)) {
    return new StoreError('E_SQL', 'one statement per call: this SQL holds more than one', { cause: e });
  }
  return e;
}
