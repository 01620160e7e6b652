import type { SyncConnection } from './connection.js';
import { EVENT_CODES } from '../model/index.js';
import type { FileKind } from './database.js';

/*
 * Point reads that place a position of a run: which operation holds an event, which file was
 * current, which files a run made. Each costs a few primary-key lookups, whatever the run's
 * length (the operations' last_seq grows with i, so the operation of an event is found by a
 * binary search over i, not a scan).
 */

/** A file of a run. */
export interface FileRow {
  readonly id: number;
  readonly name: string;
  readonly mount: number;
  readonly kind: FileKind;
}

/** The files of run `runId`, by id. Sync. */
export function runFiles(sqlite: SyncConnection, runId: number): FileRow[] {
  return sqlite.prepare('select id, name, mount, kind from files where run_id = ? order by id').all(runId) as FileRow[];
}

/**
 * The index `i` of the operation that emitted event `seq` (the first whose last_seq ≥ seq), or
 * undefined past the last operation. `seq` 0 is before every event: operation 0's position. Sync.
 */
export function operationOfSeq(sqlite: SyncConnection, runId: number, seq: number, ops: number): number | undefined {
  const lastSeq = sqlite.prepare('select last_seq from operations where run_id = ? and i = ?').pluck();
  let lo = 0;
  let hi = ops;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((lastSeq.get(runId, mid) as number) >= seq) hi = mid;
    else lo = mid + 1;
  }
  return lo < ops ? lo : undefined;
}

/**
 * The current file after event `seq`: the last `file_switched` among the events of operation
 * `i` up to `seq`, else the file current after operation i − 1 (null before any). Sync.
 */
export function fileAtSeq(sqlite: SyncConnection, runId: number, i: number, seq: number): number | null {
  const before = i === 0 ? { file: null, last_seq: 0 }
    : sqlite.prepare('select file, last_seq from operations where run_id = ? and i = ?').get(runId, i - 1) as { file: number | null; last_seq: number };
  const switched = sqlite.prepare(`select arg from events where run_id = ? and seq > ? and seq <= ? and event = ?
    order by seq desc limit 1`).pluck().get(runId, before.last_seq, seq, EVENT_CODES.file_switched) as number | undefined;
  return switched ?? before.file;
}
