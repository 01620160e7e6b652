/*
 * A run's rows as they cross between stores (`foliolog push`): what each backend implements in
 * its own folder (src/store/sqlite/, src/store/postgres/) so that push.ts holds no SQL.
 */

/** A stored value on its way between stores: integers exact (`bigint` where they may be wide), blobs as bytes. */
export type Cell = null | bigint | number | string | Uint8Array;

/**
 * A table whose rows belong to one run: the column naming the run and the rest of its primary
 * key (rows are read in that order, in batches after the last key seen).
 */
export interface RunTable {
  readonly name: string;
  readonly runColumn: string;
  readonly key: readonly string[];
}

/** `runs` itself: one row, keyed by the run's id. */
export const RUNS_TABLE: RunTable = { name: 'runs', runColumn: 'id', key: [] };

/**
 * Every table that holds rows of a run besides `runs`, in an order that inserts each row after
 * the rows it references (operations and folios name files). A migration that adds such a table
 * adds it here: test/store/push.test.ts checks that every table with a `run_id` column is listed.
 */
export const RUN_TABLES: readonly RunTable[] = [
  { name: 'files', runColumn: 'run_id', key: ['id'] },
  { name: 'operations', runColumn: 'run_id', key: ['i'] },
  { name: 'folios', runColumn: 'run_id', key: ['id'] },
  { name: 'events', runColumn: 'run_id', key: ['seq'] },
  { name: 'checkpoints', runColumn: 'run_id', key: ['seq'] },
  { name: 'explanations', runColumn: 'run_id', key: ['i', 'n'] },
  { name: 'operation_blocks', runColumn: 'run_id', key: ['first_i'] },
];

/** Rows per batch read (one keyset query each). */
export const COPY_BATCH_ROWS = 1000;

/** Reading a run's rows, batch by batch in key order: one backend's SQL. */
export interface RunRowsReader {
  /** The columns of `table`, in the store's order. */
  columns(table: string): Promise<readonly string[]>;
  /** The rows of run `runId` in `table`, `columns` in that order, at most `size` rows a batch. */
  batches(table: RunTable, runId: number, columns: readonly string[], size: number): AsyncIterable<Cell[][]>;
}

/** Writing into a store inside one of its transactions (see `RunRows.write`). */
export interface RunRowsWriter extends RunRowsReader {
  /** Insert a `runs` row (its id left to the store) and return the id it got. */
  insertRun(columns: readonly string[], values: readonly Cell[]): Promise<number>;
  /** Insert the rows of `table` that `batches` yields, `columns` in that order, as they come (one COPY on PostgreSQL). */
  insertRows(table: string, columns: readonly string[], batches: AsyncIterable<readonly (readonly Cell[])[]>): Promise<void>;
}

/** One store's side of a copy. */
export interface RunRows extends RunRowsReader {
  /**
   * Run `work` in one transaction of the store: committed when it resolves, rolled back when
   * it throws. @throws StoreError `E_DUPLICATE_RUN` when a unique key is already taken (the same
   * run pushed meanwhile by someone else: `runs.origin` is unique).
   */
  write<T>(work: (writer: RunRowsWriter) => Promise<T>): Promise<T>;
}
