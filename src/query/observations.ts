import type { FolioTriple, Observation } from '../script/index.js';
import type { OperationRecord, RunRecord, Store } from '../store/index.js';

/** The §2 observation of an operation row, given its folios. Pure. */
function toObservation(op: OperationRecord, folios: readonly FolioTriple[]): Observation {
  const base: Observation = {
    i: op.i, line: op.line, op: op.op, ret: op.ret, folios, stats: op.stats, size: op.size, blocks: op.blocks,
  };
  return {
    ...base,
    ...(op.data !== null ? { data: op.data } : {}),
    ...(op.blind !== null && op.blind.length > 0 ? { blind: op.blind } : {}),
  };
}

/**
 * The §2 observations of a recorded run, one per operation in `i` order (product.md §4).
 * A kernel run's `folios`/`blind` are read from its operations as the probe printed them; a
 * model run's `folios` are derived from its events and folio rows: the live folios of the
 * operation's file after its last event (`Store.liveFoliosAt`), as `[pgoff, order, uptodate]`
 * by pgoff. Every other field comes from `operations`. Synchronous, like the store's exact
 * reads.
 *
 * @param store - an open store
 * @param run - the run (from `requireFinishedRun`)
 * @returns one observation per recorded operation
 * @throws StoreError `E_NO_RUN`, `E_CORRUPT`, `E_BAD_EVENT`
 *
 * ### Example
 * ```ts
 * const run = await store.requireFinishedRun(3);
 * runObservations(store, run)[1]?.folios; // [[0, 9, 1]]
 * ```
 */
export function runObservations(store: Store, run: RunRecord): Observation[] {
  const ops = store.loadOperations(run.id);
  if (run.source === 'kernel') return ops.map((op) => toObservation(op, op.folios ?? []));
  const out: Observation[] = [];
  let last: { seq: number; file: number | null; folios: FolioTriple[] } | undefined;
  for (const op of ops) {
    if (last === undefined || last.seq !== op.lastSeq || last.file !== op.file) {
      const live = op.file === null ? [] : [...store.liveFoliosAt(run.id, op.lastSeq).values()].filter((f) => f.file === op.file);
      const folios = live.sort((a, b) => a.pgoff - b.pgoff).map((f): FolioTriple => [f.pgoff, f.order, f.uptodate]);
      last = { seq: op.lastSeq, file: op.file, folios };
    }
    out.push(toObservation(op, last.folios));
  }
  return out;
}
