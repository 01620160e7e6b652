import type BetterSqlite3 from 'better-sqlite3';
import { StoreError, wrapSqliteError } from '../errors.js';
import type { Cell, RunRows, RunRowsWriter, RunTable } from '../run-rows.js';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A SQLite store's side of `foliolog push`, over its better-sqlite3 connection: reads with
 * safeIntegers (64-bit values exact), writes with one prepared statement per table inside
 * `BEGIN IMMEDIATE`. Every call is synchronous underneath; the promises let push.ts treat both
 * backends alike.
 */
export class SqliteRunRows implements RunRows {
  readonly #sqlite: BetterSqlite3.Database;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#sqlite = sqlite;
  }

  async columns(table: string): Promise<readonly string[]> {
    return this.#sqlite.prepare('select name from pragma_table_info(?) order by cid').pluck().all(table) as string[];
  }

  async *batches(table: RunTable, runId: number, columns: readonly string[], size: number): AsyncIterable<Cell[][]> {
    const list = columns.map(quote).join(', ');
    const keys = table.key.map(quote);
    const order = keys.length === 0 ? '' : ` order by ${keys.join(', ')}`;
    const first = this.#sqlite.prepare(`select ${list} from ${quote(table.name)} where ${quote(table.runColumn)} = ?${order} limit ?`);
    // Keyset: the rows after the last key of the batch before, by the primary key's order.
    const next = keys.length === 0 ? first : this.#sqlite.prepare(`select ${list} from ${quote(table.name)}
      where ${quote(table.runColumn)} = ? and (${keys.join(', ')}) > (${keys.map(() => '?').join(', ')})${order} limit ?`);
    const at = table.key.map((k) => columns.indexOf(k));
    let rows = first.raw(true).safeIntegers(true).all(runId, size) as Cell[][];
    while (rows.length > 0) {
      yield rows;
      if (rows.length < size || keys.length === 0) return;
      const last = rows[rows.length - 1]!;
      rows = next.raw(true).safeIntegers(true).all(runId, ...at.map((k) => last[k]), size) as Cell[][];
    }
  }

  async write<T>(work: (writer: RunRowsWriter) => Promise<T>): Promise<T> {
    const sqlite = this.#sqlite;
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(new SqliteRunRowsWriter(this, sqlite));
      sqlite.exec('COMMIT');
      return result;
    } catch (e) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreError('E_DUPLICATE_RUN', `${sqlite.name} already holds that run`, { cause: e });
      throw wrapSqliteError(e, sqlite.name, `cannot write into ${sqlite.name}`);
    }
  }
}

/** Inserts through prepared statements, one per table and column list, on the open transaction. */
class SqliteRunRowsWriter implements RunRowsWriter {
  readonly #rows: SqliteRunRows;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #inserts = new Map<string, BetterSqlite3.Statement>();

  constructor(rows: SqliteRunRows, sqlite: BetterSqlite3.Database) {
    this.#rows = rows;
    this.#sqlite = sqlite;
  }

  columns(table: string): Promise<readonly string[]> {
    return this.#rows.columns(table);
  }

  batches(table: RunTable, runId: number, columns: readonly string[], size: number): AsyncIterable<Cell[][]> {
    return this.#rows.batches(table, runId, columns, size);
  }

  async insertRun(columns: readonly string[], values: readonly Cell[]): Promise<number> {
    const { lastInsertRowid } = this.#insert('runs', columns).run(...values);
    return Number(lastInsertRowid);
  }

  async insertRows(table: string, columns: readonly string[], batches: AsyncIterable<readonly (readonly Cell[])[]>): Promise<void> {
    const insert = this.#insert(table, columns);
    for await (const rows of batches) for (const row of rows) insert.run(...row);
  }

  #insert(table: string, columns: readonly string[]): BetterSqlite3.Statement {
    const key = `${table}(${columns.join(',')})`;
    let stmt = this.#inserts.get(key);
    if (stmt === undefined) {
      stmt = this.#sqlite.prepare(`insert into ${quote(table)} (${columns.map(quote).join(', ')})
        values (${columns.map(() => '?').join(', ')})`);
      this.#inserts.set(key, stmt);
    }
    return stmt;
  }
}
