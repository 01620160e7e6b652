import type { FolioTriple } from '../script/index.js';
import type { LiveFolio, LiveTable, OperationRecord, Replay, RunRecord, Store } from '../store/index.js';

/** Operations loaded per query while walking: bounded memory on runs of any length. */
const OPS_CHUNK = 4096;

/** The page cache after one operation, as the reader yields it. */
export interface OperationState {
  readonly op: OperationRecord;
  /** The live folios of every file after the operation. A view: valid until the next step. */
  readonly live: LiveTable;
}

/**
 * The one forward reader of a run's history. It starts at the nearest checkpoint at or before
 * the end of operation `from`, walks the event log once in seq order, and yields the page cache
 * after each operation from `from` to `to` (inclusive). `at`, `diff`, the observations of a
 * stored run and every later report read history through it; nothing replays per operation.
 * Sync; the live table it yields is mutated in place as the walk goes on.
 *
 * @param store - an open store
 * @param run - the run (any status: a failed run is read as far as it got)
 * @param from - first operation, 0-based (default 0)
 * @param to - last operation (default the run's last)
 * @throws StoreError `E_CORRUPT`, `E_BAD_EVENT`, `E_DAMAGED`
 *
 * ### Example
 * ```ts
 * for (const { op, live } of walkOperations(store, run)) console.log(op.i, live.size)
 * ```
 */
export function* walkOperations(store: Store, run: RunRecord, from = 0, to = run.ops - 1): Generator<OperationState> {
  let replay: Replay | undefined;
  for (let start = from; start <= to; start += OPS_CHUNK) {
    for (const op of store.loadOperations(run.id, start, Math.min(to, start + OPS_CHUNK - 1))) {
      if (replay === undefined) replay = store.replay(run.id, op.lastSeq);
      else replay.advance(op.lastSeq);
      yield { op, live: replay.table };
    }
  }
}

/** The live folios of `file` sorted by pgoff (and id, for folios a kernel run could not tell apart). Pure. */
export function foliosOfFile(live: LiveTable, file: number | null): LiveFolio[] {
  if (file === null) return [];
  const out: LiveFolio[] = [];
  for (const f of live.values()) if (f.file === file) out.push(f);
  return out.sort((a, b) => a.pgoff - b.pgoff || a.id - b.id);
}

/** `[pgoff, order, uptodate]` of each folio, product.md §2's shape. Pure. */
export function triples(folios: readonly LiveFolio[]): FolioTriple[] {
  return folios.map((f): FolioTriple => [f.pgoff, f.order, f.uptodate]);
}
