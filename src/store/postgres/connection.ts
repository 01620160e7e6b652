import { createRequire } from 'node:module';
import { StoreError } from '../errors.js';
import type { RunResult, SyncConnection, SyncStatement } from '../connection.js';
import { wrapPgError } from './_errors.js';

/** libpq's blocking client (the `libpq` package, the binding node-postgres's native driver uses), as far as used here. */
export interface Libpq {
  connectSync(params: string): void;
  exec(text: string): void;
  execParams(text: string, params: Array<string | null>): void;
  prepare(name: string, text: string, nParams: number): void;
  execPrepared(name: string, params: Array<string | null>): void;
  resultStatus(): string;
  resultErrorMessage(): string;
  resultErrorFields(): { sqlState?: string; messagePrimary?: string } | null;
  errorMessage(): string;
  ntuples(): number;
  nfields(): number;
  fname(c: number): string;
  ftype(c: number): number;
  getvalue(r: number, c: number): string;
  getisnull(r: number, c: number): boolean;
  cmdTuples(): string;
  putCopyData(data: Buffer): number;
  putCopyEnd(message?: string): number;
  getResult(): boolean;
  finish(): void;
}

type LibpqClass = new () => Libpq;

let libpqClass: LibpqClass | undefined;

/**
 * libpq's class, loaded on first use: an optional dependency (it builds against libpq's headers,
 * Debian's `libpq-dev`), so a machine without them installs and runs every SQLite command.
 * @throws StoreError `E_UNSUPPORTED` naming what to install.
 */
function loadLibpq(shown: string): LibpqClass {
  if (libpqClass === undefined) {
    try {
      libpqClass = createRequire(import.meta.url)('libpq') as LibpqClass;
    } catch (e) {
      throw new StoreError('E_UNSUPPORTED', `${shown}: the PostgreSQL store needs the libpq module, `
        + 'built when npm ci finds libpq\'s headers (apt-get install libpq-dev, then npm ci)', { cause: e });
    }
  }
  return libpqClass;
}

/** Connections finished, held until libuv has closed their poll handles (see `PgConnection.close`). */
const FINISHING = new Set<Libpq>();

/** Rows fetched per round trip while a statement's rows are iterated (a cursor). */
const FETCH_ROWS = 10_000;

// PostgreSQL type OIDs read as numbers (or bigints), booleans, bytes.
const INTEGER = new Set([20, 21, 23, 26]);
const NUMERIC = 1700;
const FLOAT = new Set([700, 701]);
const BOOL = 16;
const BYTEA = 17;

/**
 * SQL written for both engines (see ../connection.ts) as PostgreSQL takes it: `?` placeholders
 * numbered `$1, $2, ...` (outside quotes and comments), SQLite's `indexed by NAME` hint
 * dropped. Pure.
 */
export function postgresSql(text: string): { readonly text: string; readonly params: number } {
  let out = '';
  let n = 0;
  for (let k = 0; k < text.length;) {
    const c = text[k]!;
    const quoted = c === '\'' || c === '"' ? text.indexOf(c, k + 1) : -1;
    if (quoted >= 0) {
      out += text.slice(k, quoted + 1);
      k = quoted + 1;
    } else if (c === '-' && text[k + 1] === '-') {
      const end = text.indexOf('\n', k);
      const stop = end < 0 ? text.length : end;
      out += text.slice(k, stop);
      k = stop;
    } else if (c === '?') {
      out += `$${++n}`;
      k++;
    } else {
      out += c;
      k++;
    }
  }
  return { text: out.replace(/\s+indexed\s+by\s+\w+/gi, ''), params: n };
}

/** A bound value as libpq's text format takes it. Pure. */
function param(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** A cell's text as the store's readers take it from SQLite: integers, reals, 0/1 for booleans, bytes. */
function cell(text: string, type: number, exact: boolean): unknown {
  if (INTEGER.has(type)) return exact ? BigInt(text) : Number(text);
  if (type === NUMERIC) return exact && /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
  if (FLOAT.has(type)) return Number(text);
  if (type === BOOL) return exact ? (text === 't' ? 1n : 0n) : (text === 't' ? 1 : 0);
  if (type === BYTEA) return Buffer.from(text.slice(2), 'hex');
  return text;
}

/**
 * One blocking libpq connection to a PostgreSQL store, behaving as the better-sqlite3 database
 * the store's readers and writer were written for (`SyncConnection`): prepared statements
 * (server-side, prepared once per text), rows as objects, arrays or first values, integers as
 * numbers or exact bigints, `bytea` as bytes, booleans as 0/1. A statement's rows are fetched
 * whole by `all`/`get`, and through a cursor 10,000 at a time by `iterate`. Errors come as
 * StoreError `E_POSTGRES` (one line, the URL without its password) whose `cause` carries the
 * SQLSTATE as `code`.
 *
 * ### Example
 * ```ts
 * const conn = PgConnection.open('postgres://me@/foliolog?host=/run/postgresql', 'postgres://me@/foliolog?host=/run/postgresql')
 * const ops = conn.prepare('select count(*) from operations where run_id = ?').pluck().get(3) // 120
 * ```
 */
export class PgConnection implements SyncConnection {
  readonly name: string;
  readonly #pq: Libpq;
  readonly #prepared = new Map<string, { name: string; params: number }>();
  #depth = 0;
  #cursors = 0;
  #open = true;

  private constructor(pq: Libpq, shown: string) {
    this.#pq = pq;
    this.name = shown;
  }

  /**
   * Connect to `url` (a libpq connection URI, as node-postgres takes it; a Unix socket as
   * `?host=/run/postgresql`), shown as `shown` in messages.
   * @throws StoreError `E_UNREADABLE` (cannot connect or log in), `E_UNSUPPORTED` (no libpq module).
   */
  static open(url: string, shown: string): PgConnection {
    const pq = new (loadLibpq(shown))();
    try {
      pq.connectSync(url);
    } catch (e) {
      const detail = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();
      throw new StoreError('E_UNREADABLE', `cannot open ${shown}: ${detail}`, { cause: e });
    }
    const conn = new PgConnection(pq, shown);
    conn.exec("set client_min_messages = warning; set datestyle = 'ISO'");
    return conn;
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  get open(): boolean {
    return this.#open;
  }

  prepare<P extends unknown[] = unknown[]>(text: string): SyncStatement<P> {
    return new PgStatement<P>(this, text);
  }

  exec(text: string): void {
    this.#pq.exec(text);
    this.#check(text);
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): F {
    const wrapped = (...args: Parameters<F>): ReturnType<F> => {
      const savepoint = `fl_sp${this.#depth}`;
      this.exec(this.#depth === 0 ? 'begin' : `savepoint ${savepoint}`);
      this.#depth++;
      let result: ReturnType<F>;
      try {
        result = fn(...args) as ReturnType<F>;
      } catch (e) {
        this.#depth--;
        try {
          this.#pq.exec(this.#depth === 0 ? 'rollback' : `rollback to savepoint ${savepoint}`);
        } catch {
          // The connection is gone: the server rolled back.
        }
        throw e;
      }
      this.#depth--;
      // A COMMIT that fails has rolled the transaction back.
      this.exec(this.#depth === 0 ? 'commit' : `release savepoint ${savepoint}`);
      return result;
    };
    return wrapped as unknown as F;
  }

  /**
   * Send `rows` (COPY's text format, one line per row) into `table`'s `columns` in one COPY
   * FROM STDIN: the recorder's event and folio batches. Blocking.
   */
  copyIn(table: string, columns: string, rows: string): void {
    const what = `copy ${table} (${columns}) from stdin`;
    this.#pq.exec(what);
    if (this.#pq.resultStatus() !== 'PGRES_COPY_IN') this.#check(what);
    if (this.#pq.putCopyData(Buffer.from(rows)) !== 1 || this.#pq.putCopyEnd() !== 1) {
      throw new StoreError('E_POSTGRES', `${this.name}: ${what}: ${this.#pq.errorMessage().trim()}`);
    }
    this.#pq.getResult();
    this.#check(what);
  }

  /** Close the connection; further statements fail. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#pq.finish();
    // finish() closes libpq's poll handle asynchronously (uv_close) and drops the addon's own
    // reference to the object that holds it: were it collected before libuv's close phase, libuv
    // would close freed memory (an abort, `uv__finish_close`). Hold it until that phase is past.
    const pq = this.#pq;
    FINISHING.add(pq);
    setImmediate(() => setImmediate(() => FINISHING.delete(pq)));
  }

  /** Internal: run `text` with `params` as a prepared statement; the result stays on the connection. */
  execute(text: string, params: readonly unknown[]): Libpq {
    let p = this.#prepared.get(text);
    if (p === undefined) {
      const sql = postgresSql(text);
      p = { name: `fl_${this.#prepared.size}`, params: sql.params };
      this.#pq.prepare(p.name, sql.text, sql.params);
      this.#check(text);
      this.#prepared.set(text, p);
    }
    if (params.length !== p.params) {
      throw new RangeError(`${params.length} values bound to a statement of ${p.params} parameters`);
    }
    this.#pq.execPrepared(p.name, params.map(param));
    this.#check(text);
    return this.#pq;
  }

  /**
   * Internal: run `text` with `params` once, unprepared (a cursor's statements); the result
   * stays on the connection. `verbatim`: the text is PostgreSQL's already (a user's SQL, whose
   * `?` may be an operator).
   */
  executeOnce(text: string, params: readonly unknown[], verbatim = false): Libpq {
    this.#pq.execParams(verbatim ? text : postgresSql(text).text, params.map(param));
    this.#check(text);
    return this.#pq;
  }

  /** Internal: a fresh cursor name. */
  cursorName(): string {
    return `fl_cursor${this.#cursors++}`;
  }

  /** Internal: throw the last command's error, if it failed. */
  #check(text: string): void {
    const status = this.#pq.resultStatus();
    if (status === 'PGRES_COMMAND_OK' || status === 'PGRES_TUPLES_OK' || status === 'PGRES_EMPTY_QUERY' || status === 'PGRES_COPY_IN') return;
    const fields = this.#pq.resultErrorFields();
    const message = (fields?.messagePrimary ?? (this.#pq.resultErrorMessage() || this.#pq.errorMessage())).replace(/\s*\n\s*/g, ' ').trim();
    const error = Object.assign(new Error(message), { code: fields?.sqlState, statement: text });
    throw wrapPgError(error, this.name, this.name);
  }
}

/** A statement of a `PgConnection`, prepared on the server at its first run. */
class PgStatement<P extends unknown[]> implements SyncStatement<P> {
  readonly #conn: PgConnection;
  readonly #text: string;
  #pluck = false;
  #raw = false;
  #exact = false;

  constructor(conn: PgConnection, text: string) {
    this.#conn = conn;
    this.#text = text;
  }

  pluck(toggle = true): this {
    this.#pluck = toggle;
    return this;
  }

  raw(toggle = true): this {
    this.#raw = toggle;
    return this;
  }

  safeIntegers(toggle = true): this {
    this.#exact = toggle;
    return this;
  }

  run(...params: P): RunResult {
    const pq = this.#conn.execute(this.#text, params);
    const changes = pq.cmdTuples();
    return { changes: changes === '' ? 0 : Number(changes) };
  }

  get(...params: P): unknown {
    return this.#rows(this.#conn.execute(this.#text, params), 1)[0];
  }

  all(...params: P): unknown[] {
    return this.#rows(this.#conn.execute(this.#text, params), Infinity);
  }

  *iterate(...params: P): IterableIterator<unknown> {
    // A cursor WITH HOLD outlives the transaction it is declared in (none, here: autocommit),
    // so rows can be fetched while other statements run on the connection.
    const cursor = this.#conn.cursorName();
    this.#conn.executeOnce(`declare ${cursor} no scroll cursor with hold for ${this.#text}`, params);
    try {
      for (;;) {
        const rows = this.#rows(this.#conn.executeOnce(`fetch forward ${FETCH_ROWS} from ${cursor}`, []), Infinity);
        yield* rows;
        if (rows.length < FETCH_ROWS) return;
      }
    } finally {
      if (this.#conn.open) this.#conn.exec(`close ${cursor}`);
    }
  }

  #rows(pq: Libpq, most: number): unknown[] {
    return resultRows(pq, most, this.#pluck ? 'pluck' : this.#raw ? 'raw' : 'object', this.#exact);
  }
}

/** How `resultRows` shapes a row. */
export type RowShape = 'object' | 'raw' | 'pluck';

/**
 * The rows of the connection's last result (at most `most`): objects by column name, arrays in
 * column order, or the first column's values; integers exact as bigints when `exact`.
 */
export function resultRows(pq: Libpq, most: number, shape: RowShape, exact: boolean): unknown[] {
  const n = Math.min(pq.ntuples(), most);
  const width = pq.nfields();
  const names = Array.from({ length: width }, (_v, c) => pq.fname(c));
  const types = Array.from({ length: width }, (_v, c) => pq.ftype(c));
  const value = (r: number, c: number): unknown => (pq.getisnull(r, c) ? null : cell(pq.getvalue(r, c), types[c]!, exact));
  const out: unknown[] = new Array(n);
  for (let r = 0; r < n; r++) {
    if (shape === 'pluck') {
      out[r] = value(r, 0);
    } else if (shape === 'raw') {
      const row = new Array(width);
      for (let c = 0; c < width; c++) row[c] = value(r, c);
      out[r] = row;
    } else {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < width; c++) row[names[c]!] = value(r, c);
      out[r] = row;
    }
  }
  return out;
}

/** The column names of the connection's last result. */
export function resultColumns(pq: Libpq): string[] {
  return Array.from({ length: pq.nfields() }, (_v, c) => pq.fname(c));
}
