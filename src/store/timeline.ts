import type { SyncConnection } from './connection.js';
import { EVENT_CODES } from '../model/index.js';

/*
 * What a picture of a whole run reads (`foliolog report`, `export --perfetto`): every folio's
 * lifetime and the events that mark one. Both walk the run's rows once, in order, as
 * iterators of plain arrays, so a run of millions of folios is read in bounded memory.
 */

/** A folio's lifetime: `[id, file, pgoff, order, parent, bornSeq, endedSeq, endedState]` (nulls where the row has them). */
export type LifetimeRow = readonly [id: number, file: number, pgoff: number, order: number, parent: number | null,
  bornSeq: number, endedSeq: number | null, endedState: number | null];

/** An event that marks a lifetime: `[seq, i, folio, event code, state entered or null]`. */
export type MarkRow = readonly [seq: number, i: number, folio: number, event: number, to: number | null];

/** The events a picture marks: uptodate (and per-block's uptodate cleared), zeroed (a punch inside), split, refused split, reclaim marks, collapse, pins. */
const MARK_EVENTS = [
  EVENT_CODES.folio_marked_uptodate, EVENT_CODES.folio_zeroed, EVENT_CODES.folio_split, EVENT_CODES.folio_split_failed,
  EVENT_CODES.folio_reclaim_marked, EVENT_CODES.folio_reclaim_cleared, EVENT_CODES.folio_collapsed, EVENT_CODES.folio_pinned,
  EVENT_CODES.folio_unpinned, EVENT_CODES.folio_uptodate_cleared,
].join(', ');

/** Run `runId`'s folios by id. Sync; iterate before closing the store. */
export function lifetimes(sqlite: SyncConnection, runId: number): IterableIterator<LifetimeRow> {
  return sqlite.prepare(`select id, file, pgoff, "order", parent, born_seq, ended_seq, ended_state from folios
    where run_id = ? order by id`).raw(true).iterate(runId) as IterableIterator<LifetimeRow>;
}

/** Run `runId`'s marking events (see MARK_EVENTS) in seq order: one pass over its event log. Sync. */
export function lifetimeMarks(sqlite: SyncConnection, runId: number): IterableIterator<MarkRow> {
  return sqlite.prepare(`select seq, i, folio, event, to_state from events
    where run_id = ? and folio is not null and event in (${MARK_EVENTS}) order by seq`).raw(true).iterate(runId) as IterableIterator<MarkRow>;
}
