import type { FolioEventRecord, FolioLog, FolioRecord, LogReadCost, RunRecord, Store } from '../store/index.js';
import { resolveFile } from './_files.js';

/** What `history` follows: every folio that covered a page of a file, or one folio. */
export type HistoryTarget = { readonly pgoff: number; readonly file?: string | undefined } | { readonly folio: number };

/**
 * One transition: product.md §3's `{seq, i, folio, pgoff, order, event, from, to, parent}`,
 * plus `into`, and the operation's script `line` and command text `op`.
 */
export interface HistoryRow {
  readonly seq: number;
  /** The operation that caused it (0-based command index). */
  readonly i: number;
  readonly folio: number;
  /** The folio's first page, in 4 KiB pages, and its order. */
  readonly pgoff: number;
  readonly order: number;
  /** Event type name, e.g. `folio_split`. */
  readonly event: string;
  /** Lifecycle state names before and after; `from` is null for a birth. */
  readonly from: string | null;
  readonly to: string | null;
  /** The folio this one was split from; null when allocated or born by a collapse. */
  readonly parent: number | null;
  /**
   * Where the folio went: for `folio_collapsed` the folio it was collapsed into (the event's
   * `arg`); for `folio_split` its pieces (with `--pgoff`, the piece that holds the page); else null.
   */
  readonly into: readonly number[] | null;
  readonly line: number | null;
  readonly op: string | null;
}

/** A folio and its ancestry, as `history --folio` names them. */
export interface FolioSummary {
  readonly id: number;
  readonly pgoff: number;
  readonly order: number;
  /** The folios it descends from by splits, nearest first. */
  readonly parents: ReadonlyArray<{ readonly id: number; readonly pgoff: number; readonly order: number }>;
  /** For a folio born by a collapse, the folios collapsed into it; else empty. */
  readonly collapsedFrom: readonly number[];
}

/** The answer of `foliolog history`. `--json` prints `rows`. */
export interface HistoryResult {
  readonly run: number;
  readonly file: string;
  /** The page asked for (`--pgoff`), else null. */
  readonly pgoff: number | null;
  /** The folio asked for (`--folio`), else null. */
  readonly folio: FolioSummary | null;
  /** How many folios the rows follow. */
  readonly folios: number;
  readonly rows: readonly HistoryRow[];
  /** The event-log ranges and rows read to find the rows, and the run's events. */
  readonly cost: LogReadCost & { readonly events: number };
}

/** A user's mistake in a `history` request: one line, exit 2 at the CLI. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  readonly code = 'E_HISTORY';
}

/** Code → name of event types and folio states, from the store's lookup tables. */
interface Names {
  readonly events: ReadonlyMap<number, string>;
  readonly states: ReadonlyMap<number, string>;
}

/**
 * `foliolog history RUN (--pgoff N [--file NAME] | --folio ID)`: every transition of every folio
 * that ever covered page N of the file (without a file: the one current at the end of the run),
 * or of folio ID, in seq order, each with the operation that caused it, the folio's parent and,
 * for a split or a collapse, where the folio went. The folios over a page are found through the
 * `folios_by_page` index and their events inside their lifetimes by the event log's primary
 * key (`FolioLog.eventsOf`), never by scanning the log. A failed run can be read.
 *
 * @throws HistoryError for an unknown folio or file, a page no folio ever covered, a run that
 *   ended with no current file; StoreError `E_NO_RUN`, `E_INCOMPLETE`
 *
 * ### Example
 * ```ts
 * const h = await history(store, 3, { pgoff: 400 });
 * h.rows[0]; // { seq: 3, i: 1, folio: 1, pgoff: 0, order: 9, event: 'folio_added', from: null, to: 'allocated', ... }
 * ```
 */
export async function history(store: Store, runId: number, target: HistoryTarget): Promise<HistoryResult> {
  const run = await store.requireFinishedRun(runId);
  const db = store.db;
  const [events, states] = await Promise.all([
    db.selectFrom('event_types').select(['code', 'name']).execute(),
    db.selectFrom('folio_states').select(['code', 'name']).execute(),
  ]);
  const names: Names = { events: new Map(events.map((r) => [r.code, r.name])), states: new Map(states.map((r) => [r.code, r.name])) };
  return 'folio' in target ? folioHistory(store, run, target.folio, names) : pageHistory(store, run, target, names);
}

function pageHistory(store: Store, run: RunRecord, target: { readonly pgoff: number; readonly file?: string | undefined }, names: Names): HistoryResult {
  const files = store.files(run.id);
  const file = resolveFile(files, target.file, store.fileAtSeq(run.id, run.ops, run.events), (m) => new HistoryError(m));
  if (file === undefined) {
    throw new HistoryError(`run ${run.id} ended with no current file: name one with --file (files: ${files.map((f) => `#${f.id} ${f.name}`).join(', ') || 'none'})`);
  }
  const log = store.folioLog(run.id);
  const folios = log.coveringPage(file.id, target.pgoff);
  if (folios.length === 0) throw new HistoryError(`page ${target.pgoff} of file ${file.name} was never in the page cache`);
  // The piece of each split that holds the page is the folio over it that names it as parent.
  const pieceOf = new Map(folios.filter((f) => f.parent !== null).map((f) => [f.parent!, f.id]));
  const { events, cost } = log.eventsOf(folios, run.events);
  const rows = toRows(log, events, new Map(folios.map((f) => [f.id, f])), names,
    (e) => (pieceOf.has(e.folio) ? [pieceOf.get(e.folio)!] : []));
  return { run: run.id, file: file.name, pgoff: target.pgoff, folio: null, folios: folios.length, rows, cost: { ...cost, events: run.events } };
}

function folioHistory(store: Store, run: RunRecord, id: number, names: Names): HistoryResult {
  const log = store.folioLog(run.id);
  const folio = log.folio(id);
  if (folio === undefined) {
    const last = log.lastFolioId();
    throw new HistoryError(`run ${run.id} has no folio ${id} (${last === 0 ? 'it has no folios' : `its folios are 1..${last}`})`);
  }
  const parents: Array<{ id: number; pgoff: number; order: number }> = [];
  // Each split lowers the order, so the chain is at most 9 folios long.
  for (let p = folio.parent; p !== null;) {
    const f = log.folio(p);
    if (f === undefined) break;
    parents.push({ id: f.id, pgoff: f.pgoff, order: f.order });
    p = f.parent;
  }
  const { events, cost } = log.eventsOf([folio], run.events);
  const born = events.find((e) => e.seq === folio.bornSeq);
  const collapsedFrom = born !== undefined && names.states.get(born.to ?? 0) === 'collapsed' ? log.collapseSources(folio) : [];
  const rows = toRows(log, events, new Map([[folio.id, folio]]), names, (e) => log.splitPieces(folio, e.seq).map((f) => f.id));
  const file = store.files(run.id).find((f) => f.id === folio.file)?.name ?? `#${folio.file}`;
  return {
    run: run.id, file, pgoff: null, folio: { id, pgoff: folio.pgoff, order: folio.order, parents, collapsedFrom },
    folios: 1, rows, cost: { ...cost, events: run.events },
  };
}

/** Name the events' types and states, attach their folio and operation, say where split and collapsed folios went. */
function toRows(log: FolioLog, events: readonly FolioEventRecord[], folios: ReadonlyMap<number, FolioRecord>, names: Names,
  pieces: (e: FolioEventRecord) => number[]): HistoryRow[] {
  const ops = new Map<number, { readonly line: number; readonly op: string } | undefined>();
  const state = (code: number | null): string | null => (code === null ? null : names.states.get(code) ?? String(code));
  return events.map((e) => {
    const f = folios.get(e.folio)!;
    if (!ops.has(e.i)) ops.set(e.i, log.operation(e.i));
    const op = ops.get(e.i);
    const event = names.events.get(e.event) ?? String(e.event);
    const into = event === 'folio_collapsed' && e.arg !== null ? [e.arg] : event === 'folio_split' ? pieces(e) : null;
    return {
      seq: e.seq, i: e.i, folio: e.folio, pgoff: f.pgoff, order: f.order, event, from: state(e.from), to: state(e.to),
      parent: f.parent, into, line: op?.line ?? null, op: op?.op ?? null,
    };
  });
}
