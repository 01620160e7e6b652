import type { SyncConnection } from './connection.js';
import { EVENT_CODES } from '../model/index.js';
import type { ExplanationRow } from './rows.js';

/*
 * Reads for `foliolog explain`: one operation's decisions (migration 0004) and the folio events
 * they explain. Each read is a range of a primary key, so its cost is that operation's rows
 * (or, for pins, the events of one folio's lifetime), never the whole run's.
 */

/** A folio event joined to its folio row. */
export interface FolioEventRow {
  readonly seq: number;
  readonly i: number;
  /** `EVENT_CODES` code. */
  readonly event: number;
  readonly folio: number;
  /** State entered (`folio_states` code), null when unchanged. */
  readonly to: number | null;
  /** `folio_collapsed`: the PMD folio; `folio_pinned`/`folio_unpinned`: the pins held now; else null. */
  readonly arg: number | null;
  readonly file: number;
  readonly pgoff: number;
  readonly order: number;
  readonly parent: number | null;
  readonly bornSeq: number;
}

/** A `folios` row as explain reads it. */
export interface FolioRow {
  readonly id: number;
  readonly file: number;
  readonly pgoff: number;
  readonly order: number;
  readonly parent: number | null;
  readonly bornSeq: number;
}

interface RawExplanation {
  i: bigint; n: bigint; kind: bigint; folio: bigint | null; nr: bigint | null; pgoff: bigint | null;
  cause: bigint | null; result: bigint | null; settings: bigint | null; per_size: bigint | null;
  global_orders: bigint | null; allowable_orders: bigint | null; vma_orders: bigint | null;
  suitable_orders: bigint | null; i_size: bigint | null; write_end: bigint | null; vma_start: bigint | null;
  vma_end: bigint | null;
}

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));

/** The decisions of operation `i` of run `runId`, in order `n`, `i_size`/`write_end` exact. Sync. */
export function loadExplanations(sqlite: SyncConnection, runId: number, i: number): ExplanationRow[] {
  const rows = sqlite.prepare(`select i, n, kind, folio, nr, pgoff, cause, result, settings, per_size, global_orders,
    allowable_orders, vma_orders, suitable_orders, i_size, write_end, vma_start, vma_end
    from explanations where run_id = ? and i = ? order by n`).safeIntegers(true).all(runId, i) as RawExplanation[];
  return rows.map((r) => ({
    i: Number(r.i), n: Number(r.n), kind: Number(r.kind), folio: num(r.folio), nr: num(r.nr), pgoff: num(r.pgoff),
    cause: num(r.cause), result: num(r.result), settings: num(r.settings), perSize: num(r.per_size),
    globalOrders: num(r.global_orders), allowableOrders: num(r.allowable_orders), vmaOrders: num(r.vma_orders),
    suitableOrders: num(r.suitable_orders), iSize: r.i_size, writeEnd: r.write_end, vmaStart: num(r.vma_start),
    vmaEnd: num(r.vma_end),
  }));
}

/** True when run `runId` holds any decision (runs recorded before migration 0004 hold none). Sync. */
export function hasExplanations(sqlite: SyncConnection, runId: number): boolean {
  return sqlite.prepare('select 1 from explanations where run_id = ? limit 1').get(runId) !== undefined;
}

const FOLIO_EVENTS = [
  EVENT_CODES.folio_added, EVENT_CODES.folio_split, EVENT_CODES.folio_split_failed, EVENT_CODES.folio_removed,
  EVENT_CODES.folio_collapsed, EVENT_CODES.folio_pinned, EVENT_CODES.folio_unpinned,
].join(', ');
const ARG_EVENTS = [EVENT_CODES.folio_collapsed, EVENT_CODES.folio_pinned, EVENT_CODES.folio_unpinned].join(', ');

/**
 * Births, splits, refused splits, removals, collapses and pin changes with `afterSeq < seq ≤
 * uptoSeq` (one operation's), each with its folio row; `folio` limits them to one folio. Sync.
 */
export function folioEvents(sqlite: SyncConnection, runId: number, afterSeq: number, uptoSeq: number,
  folio?: number): FolioEventRow[] {
  const only = folio === undefined ? '' : 'and e.folio = ?';
  const rows = sqlite.prepare(`select e.seq, e.i, e.event, e.folio, e.to_state,
      case when e.event in (${ARG_EVENTS}) then e.arg end, f.file, f.pgoff, f."order", f.parent, f.born_seq
    from events e join folios f on f.run_id = e.run_id and f.id = e.folio
    where e.run_id = ? and e.seq > ? and e.seq <= ? and e.event in (${FOLIO_EVENTS}) ${only} order by e.seq`).raw(true)
    .all(...(folio === undefined ? [runId, afterSeq, uptoSeq] : [runId, afterSeq, uptoSeq, folio])) as number[][];
  return rows.map(([seq, i, event, id, to, arg, file, pgoff, order, parent, bornSeq]) => ({
    seq: seq!, i: i!, event: event!, folio: id!, to: to ?? null, arg: arg ?? null, file: file!, pgoff: pgoff!,
    order: order!, parent: parent ?? null, bornSeq: bornSeq!,
  }));
}

/** The folio rows with `from ≤ id < to`, by id. Sync. */
export function folioRows(sqlite: SyncConnection, runId: number, from: number, to: number): FolioRow[] {
  return sqlite.prepare(`select id, file, pgoff, "order", parent, born_seq as "bornSeq" from folios
    where run_id = ? and id >= ? and id < ? order by id`).all(runId, from, to) as FolioRow[];
}
