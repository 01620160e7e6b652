import type pg from 'pg';
import { type DeletedRun, type VacuumResult, deleteRunRows } from '../delete.js';
import type { BatchWriter, Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { CopySink, PendingRows } from '../_pending.js';
import type { SqlRows } from '../sql.js';
import { PgConnection } from './connection.js';
import { readOnlyQuery } from './query.js';
import { PostgresRunRows, copyText } from './run-rows.js';
import { UNIQUE_VIOLATION } from './_errors.js';

/** SQLSTATE of a foreign-key violation. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * The PostgreSQL backend: a blocking libpq connection (`PgConnection`), opened at first use, for
 * the readers and the writer, and the pg pool Kysely and `push` use. A writer's batch goes in
 * with one COPY per table; the events appended to folios born in an earlier batch are copied
 * into a temporary table and applied with one UPDATE.
 */
export class PostgresEngine implements Engine {
  readonly kind = 'postgres';
  readonly #url: string;
  readonly #shown: string;
  readonly #pool: pg.Pool;
  #conn: PgConnection | undefined;

  constructor(url: string, shown: string, pool: pg.Pool) {
    this.#url = url;
    this.#shown = shown;
    this.#pool = pool;
  }

  get conn(): PgConnection {
    this.#conn ??= PgConnection.open(this.#url, this.#shown);
    return this.#conn;
  }

  version(): string {
    return `PostgreSQL ${this.conn.prepare('show server_version').pluck().get() as string}`;
  }

  batches(): BatchWriter {
    return new PostgresBatches(this.conn);
  }

  deleteRuns(ids: readonly number[]): DeletedRun[] {
    const conn = this.conn;
    return conn.transaction((unique: readonly number[]) => deleteRunRows(conn, unique))([...new Set(ids)]);
  }

  /** `VACUUM` of the database (outside any transaction); its size before and after. */
  vacuum(): VacuumResult {
    const size = this.conn.prepare('select pg_database_size(current_database())').pluck();
    const before = size.get() as number;
    this.conn.exec('vacuum');
    return { before, after: size.get() as number };
  }

  query(text: string): SqlRows {
    return readOnlyQuery(this.conn, text);
  }

  rows(): PostgresRunRows {
    return new PostgresRunRows(this.#pool, this.#shown);
  }

  /** Close the libpq connection, and end the pool unless Kysely has (it ends only a pool it has used). */
  async close(): Promise<void> {
    this.#conn?.close();
    if (!this.#pool.ending) await this.#pool.end();
  }
}

/** Columns of `folio_appends`, the temporary table of events appended to older folios. */
const APPENDS = 'id, chunk, ended, ended_seq, ended_state';

class PostgresBatches implements BatchWriter, CopySink {
  readonly #conn: PgConnection;
  #appendsTable = false;

  constructor(conn: PgConnection) {
    this.#conn = conn;
  }

  transaction(work: () => void): void {
    this.#conn.transaction(work)();
  }

  write(pending: PendingRows, runId: number, inferred: 0 | 1): void {
    this.#runId = runId;
    pending.copyTo(this, runId, inferred);
  }

  #runId = 0;

  line(row: readonly (number | bigint | string | Uint8Array | null)[]): string {
    let text = '';
    for (let c = 0; c < row.length; c++) text += c === 0 ? copyText(row[c]!) : `\t${copyText(row[c]!)}`;
    return `${text}\n`;
  }

  copy(table: string, columns: string, lines: string): void {
    this.#conn.copyIn(table, columns, lines);
  }

  folioAppends(lines: string): void {
    if (!this.#appendsTable) {
      this.#conn.exec(`create temporary table if not exists folio_appends (id bigint primary key, chunk bytea not null,
        ended integer not null, ended_seq bigint, ended_state integer) on commit delete rows`);
      this.#appendsTable = true;
    }
    this.#conn.copyIn('folio_appends', APPENDS, lines);
    this.#conn.prepare(`update folios f set events = f.events || a.chunk,
      ended_seq = case when a.ended = 1 then a.ended_seq else f.ended_seq end,
      ended_state = case when a.ended = 1 then a.ended_state else f.ended_state end
      from folio_appends a where f.run_id = ? and f.id = a.id`).run(this.#runId);
  }

  error(e: unknown, runId: number): StoreError {
    const code = (e as { cause?: { code?: unknown } }).cause?.code;
    if (code === UNIQUE_VIOLATION) {
      return new StoreError('E_SEQ_CONFLICT', `run ${runId}: duplicate key, two writers collided (${(e as Error).message})`, { cause: e });
    }
    if (code === FOREIGN_KEY_VIOLATION) return new StoreError('E_NO_RUN', `run ${runId} was deleted while it was being recorded`, { cause: e });
    return e instanceof StoreError ? e : new StoreError('E_POSTGRES', `run ${runId}: cannot write: ${String(e)}`, { cause: e });
  }
}
