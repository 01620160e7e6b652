import type { SyncConnection, SyncStatement } from './connection.js';

/** Values better-sqlite3 binds. */
export type SqlValue = number | bigint | string | Uint8Array | null;

/**
 * Rows per multi-row insert: one statement call binds many rows, which more than halves the
 * cost of each row in better-sqlite3 (measured: 250k single-row vs 530k 64-row inserts/s).
 */
export const EVENTS_PER_INSERT = 64;
export const FOLIOS_PER_INSERT = 32;

export const EVENT_COLUMNS = 'run_id, seq, i, folio, event, from_state, to_state, arg';
export const FOLIO_COLUMNS = 'run_id, id, file, pgoff, "order", parent, born_seq, ended_seq, ended_state, inferred, events';
export const FILE_COPY_COLUMNS = 'run_id, id, name, mount, kind';
export const OPERATION_COLUMNS = `run_id, i, line, op, task, ret, errno, size, blocks, stats, data, folios, blind, file, last_seq,
  layout, resident, unwritten_data, no_data, split_retries, pages_scanned, bytes_compared, zeros_holed, metadata_bytes`;
export const CHECKPOINT_COLUMNS = 'run_id, seq, data, ops, counters';
export const BLOCK_COLUMNS = 'run_id, first_i, ops, hash';
export const EXPLANATION_COLUMNS = `run_id, i, n, kind, folio, nr, pgoff, cause, result, settings, per_size, global_orders,
  allowable_orders, vma_orders, suitable_orders, i_size, write_end, vma_start, vma_end`;

/** `n` rows of `width` placeholders, for a multi-row insert. */
function rows(n: number, width: number): string {
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: n }, () => row).join(', ');
}

/** The writer's prepared statements: positional parameters, in column order. */
export interface WriterStatements {
  /** EVENTS_PER_INSERT event rows at once. */
  readonly insertEvents: SyncStatement<SqlValue[]>;
  /** FOLIOS_PER_INSERT folio rows at once. */
  readonly insertFolios: SyncStatement<SqlValue[]>;
  readonly insertFile: SyncStatement<SqlValue[]>;
  readonly insertOperation: SyncStatement<SqlValue[]>;
  readonly insertFolio: SyncStatement<SqlValue[]>;
  readonly endFolio: SyncStatement<SqlValue[]>;
  readonly appendFolioEvents: SyncStatement<SqlValue[]>;
  readonly insertEvent: SyncStatement<SqlValue[]>;
  readonly insertCheckpoint: SyncStatement<SqlValue[]>;
  readonly insertBlock: SyncStatement<SqlValue[]>;
  readonly insertExplanation: SyncStatement<SqlValue[]>;
}

/** Prepare the writer's statements on `sqlite`. */
export function prepareWriterStatements(sqlite: SyncConnection): WriterStatements {
  const p = (text: string): SyncStatement<SqlValue[]> => sqlite.prepare<SqlValue[]>(text);
  return {
    insertFile: p(`insert into files (${FILE_COPY_COLUMNS}) values (?, ?, ?, ?, ?)`),
    insertOperation: p(`insert into operations (${OPERATION_COLUMNS})
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertFolio: p(`insert into folios (${FOLIO_COLUMNS}) values ${rows(1, 11)}`),
    insertFolios: p(`insert into folios (${FOLIO_COLUMNS}) values ${rows(FOLIOS_PER_INSERT, 11)}`),
    // `||` makes text of two blobs, byte for byte; the cast makes it a blob again.
    endFolio: p('update folios set ended_seq = ?, ended_state = ?, events = cast(events || ? as blob) where run_id = ? and id = ?'),
    appendFolioEvents: p('update folios set events = cast(events || ? as blob) where run_id = ? and id = ?'),
    insertEvent: p(`insert into events (${EVENT_COLUMNS}) values ${rows(1, 8)}`),
    insertEvents: p(`insert into events (${EVENT_COLUMNS}) values ${rows(EVENTS_PER_INSERT, 8)}`),
    insertCheckpoint: p(`insert into checkpoints (${CHECKPOINT_COLUMNS}) values (?, ?, ?, ?, ?)`),
    insertBlock: p(`insert into operation_blocks (${BLOCK_COLUMNS}) values (?, ?, ?, ?)`),
    insertExplanation: p(`insert into explanations (${EXPLANATION_COLUMNS})
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  };
}
