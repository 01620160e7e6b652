import { EVENT_CODES, EXPLANATION_KINDS, SPLIT_CAUSE_CODES } from '../model/index.js';
import type { FolioEventRow, OperationRecord, Replay, RunRecord, Store } from '../store/index.js';
import { explainAllocation, type InTheWay } from './_explain-alloc.js';
import { type ChangeLookups, explainCollapse, explainSplit, type KnownFolio } from './_explain-changes.js';
import type {
  AllocationExplanation, CollapseExplanation, ExplainResult, FolioRef, PinTaker, SplitExplanation,
} from './explain-result.js';
import { foliosOfFile, triples } from './reader.js';

/** What explain says of a kernel run. */
export const KERNEL_NOTE = 'the kernel does not tell why: a kernel run records only the layout after each command';

/** What explain says of a model run recorded before the store kept explanations. */
export const UNEXPLAINED_NOTE = 'this run was recorded without explanations (by a foliolog older than migration 0004)';

/** A user's mistake in an `explain` request: one line, exit 2 at the CLI. */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
  readonly code = 'E_EXPLAIN';
}

/** The pins `folio` held after event `upto`, and the operations that changed them (takers first). */
function pinsOf(store: Store, run: RunRecord, folio: KnownFolio, upto: number): { count: number; by: PinTaker[] } {
  const changes = store.folioEvents(run.id, folio.bornSeq - 1, upto, folio.id)
    .filter((e) => e.event === EVENT_CODES.folio_pinned || e.event === EVENT_CODES.folio_unpinned);
  let count = 0;
  const byOp = new Map<number, number>();
  for (const e of changes) {
    byOp.set(e.i, (byOp.get(e.i) ?? 0) + (e.arg ?? 0) - count);
    count = e.arg ?? 0;
  }
  const by = [...byOp].filter(([, n]) => n > 0).map(([i, pins]) => {
    const op = store.loadOperations(run.id, i, i)[0]!;
    return { i, line: op.line, op: op.op, pins };
  });
  return { count, by };
}

/** Folio lookups over the operation's events, falling back to the folio rows. */
function lookups(store: Store, run: RunRecord, op: OperationRecord, events: readonly FolioEventRow[]): ChangeLookups {
  const known = new Map<number, KnownFolio>();
  for (const e of events) known.set(e.folio, { id: e.folio, pgoff: e.pgoff, order: e.order, file: e.file, bornSeq: e.bornSeq });
  const names = new Map(store.files(run.id).map((f) => [f.id, f.name]));
  const folio = (id: number): KnownFolio => {
    let f = known.get(id);
    if (f === undefined) {
      const row = store.folioRows(run.id, id, id + 1)[0];
      f = row === undefined ? { id, pgoff: -1, order: -1, file: -1, bornSeq: 1 } : row;
      known.set(id, f);
    }
    return f;
  };
  return {
    events, folio, fileName: (id) => names.get(id) ?? `#${id}`,
    pins: (f, seq) => pinsOf(store, run, f, Math.min(seq, op.lastSeq)),
  };
}

/** A function that finds a folio of `file` over pages [first, end) in the replay's current table. */
function inTheWay(replay: Replay, file: number | null): InTheWay {
  return (first, end) => {
    let hit: FolioRef | undefined;
    for (const f of replay.table.values()) {
      if (f.file === file && f.pgoff < end && f.pgoff + 2 ** f.order > first && (hit === undefined || f.pgoff < hit.pgoff)) {
        hit = { id: f.id, pgoff: f.pgoff, order: f.order };
      }
    }
    return hit;
  };
}

/**
 * `foliolog explain RUN @OP`: why operation OP left the layout it left. For a model run, from
 * the decisions it recorded (migration 0004): for each folio it allocated, kernel.md §2's order
 * chain with the values in force, the orders tried and the order allocated; for each split, its
 * cause and pieces, or the pins that refused it; for each collapse block, what went into the PMD
 * folio or why it was skipped. A kernel run says that the kernel does not tell, with the layout
 * before and after. Its cost is the operation's own events (and, for pins, a folio's lifetime),
 * from the nearest checkpoint, whatever the run's length. A failed run can be read; an incomplete
 * one cannot.
 * @throws ExplainError for an OP out of range; StoreError `E_NO_RUN`, `E_INCOMPLETE`
 *
 * ### Example
 * ```ts
 * const r = await explain(store, 1, 1);
 * r.allocations.map((a) => a.order); // [3, 2, 1, 0]
 * ```
 */
export async function explain(store: Store, runId: number, i: number): Promise<ExplainResult> {
  const run = await store.requireFinishedRun(runId);
  if (i >= run.ops) throw new ExplainError(`operation @${i} is out of range: run ${run.id} has ${run.ops} operations (@0..@${run.ops - 1})`);
  const op = store.loadOperations(run.id, i, i)[0]!;
  const prev = i > 0 ? store.loadOperations(run.id, i - 1, i - 1)[0] : undefined;
  const files = new Map(store.files(run.id).map((f) => [f.id, f.name]));
  const base = { run: run.id, i, line: op.line, op: op.op, source: run.source, file: op.file === null ? null : files.get(op.file) ?? null };
  if (run.source === 'kernel') {
    return { ...base, note: KERNEL_NOTE, before: prev?.folios ?? [], after: op.folios ?? [], allocations: [], splits: [], collapses: [] };
  }
  const prevSeq = prev?.lastSeq ?? 0;
  const rows = store.explanations(run.id, i);
  const events = store.folioEvents(run.id, prevSeq, op.lastSeq);
  const look = lookups(store, run, op, events);
  const replay = store.replay(run.id, prevSeq);
  const before = triples(foliosOfFile(replay.table, op.file));
  const allocations: AllocationExplanation[] = [];
  const splits: SplitExplanation[] = [];
  const collapses: CollapseExplanation[] = [];
  const refused = new Map<number, number>();
  // The EOF shrinker's splits an allocation ran (size= limit) come right before its own row.
  let shrunk = 0;
  for (const row of rows) {
    if (row.kind === EXPLANATION_KINDS.allocation) {
      const folios = row.folio === null ? [] : Array.from({ length: row.nr ?? 1 }, (_, k) => look.folio(row.folio! + k));
      const first = folios[0];
      if (first !== undefined) replay.advance(first.bornSeq - 1);
      const file = first?.file ?? op.file;
      const refs = folios.map((f) => ({ id: f.id, pgoff: f.pgoff, order: f.order }));
      allocations.push(explainAllocation(row, file === null ? '' : look.fileName(file), refs, inTheWay(replay, file), shrunk));
      shrunk = 0;
    } else if (row.kind === EXPLANATION_KINDS.split) {
      if (row.cause === SPLIT_CAUSE_CODES.size_limit && row.result !== 0) shrunk++;
      const k = row.result !== 0 ? 0 : refused.get(row.folio!) ?? 0;
      if (row.result === 0) refused.set(row.folio!, k + 1);
      splits.push(explainSplit(row, k, look));
    } else collapses.push(explainCollapse(row, look, op.file));
  }
  replay.advance(op.lastSeq);
  const after = triples(foliosOfFile(replay.table, op.file));
  const decided = [EVENT_CODES.folio_added, EVENT_CODES.folio_split, EVENT_CODES.folio_split_failed, EVENT_CODES.folio_collapsed] as number[];
  const changed = events.some((e) => decided.includes(e.event));
  const note = rows.length === 0 && changed && !store.hasExplanations(run.id) ? UNEXPLAINED_NOTE : null;
  return { ...base, note, before, after, allocations, splits, collapses };
}
