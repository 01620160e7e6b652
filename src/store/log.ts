import type { SyncConnection } from './connection.js';
import { decodeCheckpoint, type LiveTable } from './checkpoints.js';
import { Replay } from './replay.js';
import type { StoredEvent } from './rows.js';

/*
 * Exact reads of the event log for time travel (src/query): events through better-sqlite3
 * with safeIntegers, so that `arg` past 2^53 stays exact.
 */

interface RawEvent {
  seq: bigint; i: bigint; folio: bigint | null; event: bigint; from_state: bigint | null;
  to_state: bigint | null; arg: bigint | null;
}

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));

function toStoredEvent(r: RawEvent): StoredEvent {
  return {
    seq: Number(r.seq), i: Number(r.i), folio: num(r.folio), event: Number(r.event),
    from: num(r.from_state), to: num(r.to_state), arg: r.arg,
  };
}

/** Events of run `runId` with `afterSeq < seq ≤ uptoSeq`, in seq order. Sync. */
export function readEvents(sqlite: SyncConnection, runId: number, afterSeq: number, uptoSeq: number): StoredEvent[] {
  const rows = sqlite.prepare(`select seq, i, folio, event, from_state, to_state, arg from events
    where run_id = ? and seq > ? and seq <= ? order by seq`).safeIntegers(true).all(runId, afterSeq, uptoSeq) as RawEvent[];
  return rows.map(toStoredEvent);
}

/** The checkpoint of run `runId` nearest at or before `seq`; seq 0 and no folios if none. Sync. */
export function loadCheckpoint(sqlite: SyncConnection, runId: number, seq: number): { readonly seq: number; readonly table: LiveTable } {
  const row = sqlite.prepare('select seq, data from checkpoints where run_id = ? and seq <= ? order by seq desc limit 1')
    .get(runId, seq) as { seq: number; data: Uint8Array } | undefined;
  return row === undefined ? { seq: 0, table: new Map() } : { seq: row.seq, table: decodeCheckpoint(row.data) };
}

/**
 * The live folios of run `runId` after event `seq` (0: before the first event): the nearest
 * checkpoint, then the folio events after it (see `Replay`). It applies at most
 * max(K, L/2) − 1 events, L the checkpoint's live folios, however long the run. Sync.
 * @throws StoreError `E_CORRUPT`, `E_BAD_EVENT` for a log that does not replay.
 *
 * ### Example
 * ```ts
 * const folios = [...liveFoliosAt(sqlite, 3, 120_000).values()].filter((f) => f.file === 1)
 * ```
 */
export function liveFoliosAt(sqlite: SyncConnection, runId: number, seq: number): LiveTable {
  return Replay.from(sqlite, runId, seq).table;
}
