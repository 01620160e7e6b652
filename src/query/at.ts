import type { FolioTriple, StatsDelta } from '../script/index.js';
import { Counters, type LiveFolio, type RunRecord, type Store } from '../store/index.js';
import { resolveFile } from './_files.js';
import { foliosOfFile, triples } from './reader.js';

/** Where `at` looks: after event `seq`, or after operation `op`. */
export type AtTarget = { readonly seq: number } | { readonly op: number };

/** What `at` may narrow to: a file (by name, or `#ID`) and pages `[first, last]`. */
export interface AtFilter {
  readonly file?: string | undefined;
  readonly pgoff?: readonly [number, number] | undefined;
}

/** `foliolog at --json` (product.md §3): `states` and `pinned` follow `folios`' order. */
export interface AtResult {
  readonly run: number;
  readonly seq: number;
  /** The operation that emitted event `seq` (for @OP, OP). */
  readonly i: number;
  /** The file shown: the current one at that point, or `--file`; null before any. */
  readonly file: string | null;
  readonly folios: readonly FolioTriple[];
  /** Lifecycle state name of each folio. */
  readonly states: readonly string[];
  /** Pins each folio holds (0: none). Not observed in a kernel run: always 0 there. */
  readonly pinned: readonly number[];
  /** Pages held by the folios listed. */
  readonly resident: number;
  /** Per-size counters summed over the operations finished at that point. */
  readonly stats: StatsDelta;
}

/** A user's mistake in an `at` request: one line, exit 2 at the CLI. */
export class AtError extends Error {
  override readonly name = 'AtError';
  readonly code = 'E_AT';
}

/**
 * `foliolog at RUN (SEQ | @OP)`: the page cache after event SEQ (0: before the first) or after
 * operation OP: each live folio of the file with its order, uptodate, lifecycle state and pins,
 * the pages they hold, and the counters summed over the operations finished by then. It reads
 * the nearest checkpoint at or before the target and applies only the events after it, so its
 * cost does not grow with the run's length; the counters add only the operations after that
 * checkpoint. A failed run can be read; an incomplete one cannot.
 *
 * @throws AtError for a SEQ past the end, an OP out of range, an unknown file; StoreError
 *   `E_NO_RUN`, `E_INCOMPLETE`
 *
 * ### Example
 * ```ts
 * const r = await at(store, 3, { op: 2 }, {});
 * r.folios; // [[0, 8, 1], [272, 0, 1], ...]
 * ```
 */
export async function at(store: Store, runId: number, target: AtTarget, filter: AtFilter): Promise<AtResult> {
  const run = await store.requireFinishedRun(runId);
  const { seq, i } = position(store, run, target);
  const finished = i >= 0 && store.loadOperations(run.id, i, i)[0]!.lastSeq === seq ? i : i - 1;
  const replay = store.replay(run.id, seq);
  const file = resolveFile(store.files(run.id), filter.file, i < 0 ? null : store.fileAtSeq(run.id, i, seq), (m) => new AtError(m));
  let folios: LiveFolio[] = foliosOfFile(replay.table, file?.id ?? null);
  if (filter.pgoff !== undefined) {
    const [first, last] = filter.pgoff;
    folios = folios.filter((f) => f.pgoff <= last && f.pgoff + 2 ** f.order > first);
  }
  const names = new Map((await store.db.selectFrom('folio_states').select(['code', 'name']).execute()).map((r) => [r.code, r.name]));
  // Counters: the checkpoint's sums (or none before migration 0002: from the start), then the
  // operations finished after it.
  const from = replay.checkpoint.ops ?? 0;
  const counters = new Counters(replay.checkpoint.ops === null ? undefined : replay.checkpoint.counters ?? undefined);
  if (finished >= from) store.sumStats(run.id, from, finished, counters);
  return {
    run: run.id, seq, i, file: file?.name ?? null,
    folios: triples(folios),
    states: folios.map((f) => names.get(f.state) ?? String(f.state)),
    pinned: folios.map((f) => f.pins),
    resident: folios.reduce((n, f) => n + 2 ** f.order, 0),
    stats: counters.toJSON(),
  };
}

/** The event seq and operation of a target. @throws AtError out of range. */
function position(store: Store, run: RunRecord, target: AtTarget): { seq: number; i: number } {
  if ('op' in target) {
    if (target.op >= run.ops) throw new AtError(`operation @${target.op} is out of range: run ${run.id} has ${run.ops} operations (@0..@${run.ops - 1})`);
    return { seq: store.loadOperations(run.id, target.op, target.op)[0]!.lastSeq, i: target.op };
  }
  if (target.seq > run.events) throw new AtError(`event ${target.seq} is past the end: run ${run.id} has ${run.events} events`);
  return { seq: target.seq, i: store.operationOfSeq(run.id, target.seq, run.ops) ?? -1 };
}

