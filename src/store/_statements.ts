import type BetterSqlite3 from 'better-sqlite3';

/** Values better-sqlite3 binds. */
export type SqlValue = number | bigint | string | Uint8Array | null;

/**
 * Rows per multi-row insert: one statement call binds many rows, which more than halves the
 * cost of each row in better-sqlite3 (measured: 250k single-row vs 530k 64-row inserts/s).
 */
export const EVENTS_PER_INSERT = 64;
export const FOLIOS_PER_INSERT = 32;

const EVENT_COLUMNS = 'run_id, seq, i, folio, event, from_state, to_state, arg';
const FOLIO_COLUMNS = 'run_id, id, file, pgoff, "order", parent, born_seq, ended_seq, ended_state, inferred, events';

/** `n` rows of `width` placeholders, for a multi-row insert. */
function rows(n: number, width: number): string {
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: n }, () => row).join(', ');
}

/** The writer's prepared statements: positional parameters, in column order. */
export interface WriterStatements {
  /** EVENTS_PER_INSERT event rows at once. */
  readonly insertEvents: BetterSqlite3.Statement<SqlValue[]>;
  /** FOLIOS_PER_INSERT folio rows at once. */
  readonly insertFolios: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertFile: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertOperation: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertFolio: BetterSqlite3.Statement<SqlValue[]>;
  readonly endFolio: BetterSqlite3.Statement<SqlValue[]>;
  readonly appendFolioEvents: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertEvent: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertCheckpoint: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertBlock: BetterSqlite3.Statement<SqlValue[]>;
  readonly insertExplanation: BetterSqlite3.Statement<SqlValue[]>;
  readonly progress: BetterSqlite3.Statement<SqlValue[]>;
  readonly finish: BetterSqlite3.Statement<SqlValue[]>;
}

/** Prepare the writer's statements on `sqlite`. */
export function prepareWriterStatements(sqlite: BetterSqlite3.Database): WriterStatements {
  const p = (text: string): BetterSqlite3.Statement<SqlValue[]> => sqlite.prepare<SqlValue[]>(text);
  return {
    insertFile: p('insert into files (run_id, id, name, mount, kind) values (?, ?, ?, ?, ?)'),
    insertOperation: p(`insert into operations (run_id, i, line, op, task, ret, errno, size, blocks, stats, data,
      folios, blind, file, last_seq, layout, resident, unwritten_data, no_data, split_retries, pages_scanned,
      bytes_compared, zeros_holed, metadata_bytes)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertFolio: p(`insert into folios (${FOLIO_COLUMNS}) values ${rows(1, 11)}`),
    insertFolios: p(`insert into folios (${FOLIO_COLUMNS}) values ${rows(FOLIOS_PER_INSERT, 11)}`),
    // `||` makes text of two blobs, byte for byte; the cast makes it a blob again.
    endFolio: p('update folios set ended_seq = ?, ended_state = ?, events = cast(events || ? as blob) where run_id = ? and id = ?'),
    appendFolioEvents: p('update folios set events = cast(events || ? as blob) where run_id = ? and id = ?'),
    insertEvent: p(`insert into events (${EVENT_COLUMNS}) values ${rows(1, 8)}`),
    insertEvents: p(`insert into events (${EVENT_COLUMNS}) values ${rows(EVENTS_PER_INSERT, 8)}`),
    insertCheckpoint: p('insert into checkpoints (run_id, seq, data, ops, counters) values (?, ?, ?, ?, ?)'),
    insertBlock: p('insert into operation_blocks (run_id, first_i, ops, hash) values (?, ?, ?, ?)'),
    insertExplanation: p(`insert into explanations (run_id, i, n, kind, folio, nr, pgoff, cause, result, settings,
      per_size, global_orders, allowable_orders, vma_orders, suitable_orders, i_size, write_end, vma_start, vma_end)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    progress: p('update runs set ops = ?, events = ? where id = ?'),
    finish: p(`update runs set status = ?, failure = ?, ops = ?, events = ?, event_hash = ?, counters = ?, tallies = ?,
      schedule = coalesce(?, schedule) where id = ?`),
  };
}
