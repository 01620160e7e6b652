import pg from 'pg';
import { StoreError } from '../errors.js';
import type { Cell, RunRows, RunRowsWriter, RunTable } from '../run-rows.js';
import { UNIQUE_VIOLATION, pgCode, wrapPgError } from './_errors.js';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** OID of PostgreSQL's int8. */
const INT8 = 20;

/** Type parsers for copying: int8 exact, as `bigint` (the pool's own parser makes it a number). */
const EXACT_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (text: string) => BigInt(text) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Something that runs a query: the pool, or the client holding a transaction. */
type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/**
 * A PostgreSQL store's side of `foliolog push`: reads by keyset in batches with int8 exact,
 * writes a batch of rows as one multi-row INSERT, all on one pooled connection inside BEGIN ...
 * COMMIT.
 */
export class PostgresRunRows implements RunRows {
  readonly #pool: pg.Pool;
  readonly #shown: string;

  /** `shown`: the store's URL without its password, for messages. */
  constructor(pool: pg.Pool, shown: string) {
    this.#pool = pool;
    this.#shown = shown;
  }

  columns(table: string): Promise<readonly string[]> {
    return columnsOf(this.#pool, table, this.#shown);
  }

  batches(table: RunTable, runId: number, columns: readonly string[], size: number): AsyncIterable<Cell[][]> {
    return batchesOf(this.#pool, table, runId, columns, size, this.#shown);
  }

  async write<T>(work: (writer: RunRowsWriter) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect().catch((e: unknown) => { throw wrapPgError(e, this.#shown, `cannot connect to ${this.#shown}`); });
    try {
      await client.query('begin');
      const result = await work(new PostgresRunRowsWriter(client, this.#shown));
      await client.query('commit');
      return result;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      if (pgCode(e) === UNIQUE_VIOLATION || pgCode((e as { cause?: unknown } | undefined)?.cause) === UNIQUE_VIOLATION) {
        throw new StoreError('E_DUPLICATE_RUN', `${this.#shown} already holds that run`, { cause: e });
      }
      throw wrapPgError(e, this.#shown, `cannot write into ${this.#shown}`);
    } finally {
      client.release();
    }
  }
}

/** Inserts on the client that holds the transaction. */
class PostgresRunRowsWriter implements RunRowsWriter {
  readonly #client: pg.PoolClient;
  readonly #shown: string;

  constructor(client: pg.PoolClient, shown: string) {
    this.#client = client;
    this.#shown = shown;
  }

  columns(table: string): Promise<readonly string[]> {
    return columnsOf(this.#client, table, this.#shown);
  }

  batches(table: RunTable, runId: number, columns: readonly string[], size: number): AsyncIterable<Cell[][]> {
    return batchesOf(this.#client, table, runId, columns, size, this.#shown);
  }

  async insertRun(columns: readonly string[], values: readonly Cell[]): Promise<number> {
    const text = `${insertText('runs', columns, 1)} returning id`;
    const { rows } = await this.#client.query<{ id: number }>(text, values as unknown[]);
    return Number(rows[0]!.id);
  }

  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly Cell[])[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement per batch: a multi-row VALUES list, the parameters row after row.
    await this.#client.query(insertText(table, columns, rows.length), rows.flat() as unknown[]);
  }
}

/** `insert into TABLE (COLUMNS) values ($1, ...), (...)` for `n` rows. Pure. */
function insertText(table: string, columns: readonly string[], n: number): string {
  const width = columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < n; r++) tuples.push(`(${columns.map((_c, k) => `$${r * width + k + 1}`).join(', ')})`);
  return `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${tuples.join(', ')}`;
}

async function columnsOf(db: Queryable, table: string, shown: string): Promise<readonly string[]> {
  try {
    const { rows } = await db.query<{ column_name: string }>(`select column_name from information_schema.columns
      where table_schema = current_schema() and table_name = $1 order by ordinal_position`, [table]);
    return rows.map((r) => r.column_name);
  } catch (e) {
    throw wrapPgError(e, shown, `cannot read ${shown}`);
  }
}

async function* batchesOf(db: Queryable, table: RunTable, runId: number, columns: readonly string[], size: number,
  shown: string): AsyncIterable<Cell[][]> {
  const list = columns.map(quote).join(', ');
  const keys = table.key.map(quote);
  const order = keys.length === 0 ? '' : ` order by ${keys.join(', ')}`;
  const at = table.key.map((k) => columns.indexOf(k));
  const from = `select ${list} from ${quote(table.name)} where ${quote(table.runColumn)} = $1`;
  const after = `(${keys.join(', ')}) > (${keys.map((_k, n) => `$${n + 2}`).join(', ')})`;
  let last: Cell[] | undefined;
  for (;;) {
    // Keyset: the rows after the last key of the batch before, by the primary key's order.
    const text = last === undefined ? `${from}${order} limit ${size}` : `${from} and ${after}${order} limit ${size}`;
    const values = last === undefined ? [runId] : [runId, ...at.map((k) => last![k])];
    let rows: Cell[][];
    try {
      rows = (await db.query<Cell[]>({ text, values, rowMode: 'array', types: EXACT_TYPES })).rows;
    } catch (e) {
      throw wrapPgError(e, shown, `cannot read ${table.name} of run ${runId} from ${shown}`);
    }
    if (rows.length > 0) yield rows;
    if (rows.length < size || keys.length === 0) return;
    last = rows[rows.length - 1]!;
  }
}
