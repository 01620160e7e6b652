import type { FolioTriple, Observation } from '../script/index.js';
import type { OperationRecord, RunRecord, Store } from '../store/index.js';
import { foliosOfFile, triples, walkOperations } from './reader.js';

/** The §2 observation of an operation row, given its folios. Pure. */
export function toObservation(op: OperationRecord, folios: readonly FolioTriple[]): Observation {
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
 * The §2 observations of a recorded run's operations `from`..`to` (default all), in `i` order
 * (product.md §4). A kernel run's `folios`/`blind` are read from its operations as the probe
 * printed them; a model run's `folios` are the live folios of the operation's file after its
 * last event, from one forward walk of the event log (`walkOperations`). Every other field
 * comes from `operations`. Sync.
 *
 * @throws StoreError `E_NO_RUN`, `E_CORRUPT`, `E_BAD_EVENT`
 *
 * ### Example
 * ```ts
 * const run = await store.requireFinishedRun(3);
 * [...runObservations(store, run)][1]?.folios; // [[0, 9, 1]]
 * ```
 */
export function* runObservations(store: Store, run: RunRecord, from = 0, to = run.ops - 1): Generator<Observation> {
  if (run.source === 'kernel') {
    for (const op of store.loadOperations(run.id, from, to)) yield toObservation(op, op.folios ?? []);
    return;
  }
  for (const { op, live } of walkOperations(store, run, from, to)) yield toObservation(op, triples(foliosOfFile(live, op.file)));
}
