import type { Observation, StatsDelta } from '../script/index.js';
import { compareObservations, sameStats } from '../script/index.js';
import type { OperationRecord, RowDifference, RunRecord, Store } from '../store/index.js';
import { toObservation } from './observations.js';
import { foliosOfFile, triples, walkOperations } from './reader.js';
import { type DiffSide, diffSide } from './summary.js';

export type { DiffSide } from './summary.js';

/** An operation where two runs part, and every field of it that differs. */
export interface FirstDifference {
  /** 0-based command index. */
  readonly i: number;
  /** Its script line (run A's, or B's when A has no such operation). */
  readonly line: number;
  /** Its op text (likewise). */
  readonly op: string;
  /** `{ NAME: [a, b] }`; an operation only one run has is `{ op: [textOrNull, textOrNull] }`. */
  readonly fields: Readonly<Record<string, readonly [unknown, unknown]>>;
}

/** What `foliolog diff` prints with `--json` (product.md §3); `all` only with `--all`. */
export interface RunDiff {
  readonly equal: boolean;
  readonly first: FirstDifference | null;
  readonly all?: readonly FirstDifference[];
  readonly summary: { readonly a: DiffSide; readonly b: DiffSide };
}

/** An operation pair the rows say may differ. */
interface Candidate {
  readonly i: number;
  /** True when they differ for sure: a field but the page cache, or the layout digests. */
  readonly sure: boolean;
}

/**
 * The operations where the rows say two runs may part (`RowDifference`, found by SQLite over
 * both runs' primary keys), without those whose only difference is the key order of the same
 * counters. Sure when a field or the layout digest differs; unsure when a digest is missing
 * (a run recorded before migration 0002). The event log is not read. Pure over the rows.
 */
function candidates(rows: readonly RowDifference[]): Candidate[] {
  const out: Candidate[] = [];
  for (const r of rows) {
    const stats = r.stats !== null && !sameStats(JSON.parse(r.stats[0]) as StatsDelta, JSON.parse(r.stats[1]) as StatsDelta);
    const other = r.other || stats;
    if (other || r.layout !== 0) out.push({ i: r.i, sure: other || r.layout === 1 });
  }
  return out;
}

/** Full operation rows of `run` at the operations `at` (ascending): one range read. */
function rowsAt(store: Store, run: RunRecord, at: readonly number[]): Map<number, OperationRecord> {
  const wanted = new Set(at);
  const rows = at.length === 0 ? [] : store.loadOperations(run.id, at[0], at[at.length - 1]);
  return new Map(rows.filter((r) => wanted.has(r.i)).map((r) => [r.i, r]));
}

/** The §2 observations of `run` at the operations `at` (ascending), page caches from one forward walk. */
function observationsAt(store: Store, run: RunRecord, at: readonly number[]): Map<number, Observation> {
  const out = new Map<number, Observation>();
  if (at.length === 0) return out;
  if (run.source === 'kernel') {
    for (const [i, op] of rowsAt(store, run, at)) out.set(i, toObservation(op, op.folios ?? []));
    return out;
  }
  const wanted = new Set(at);
  for (const { op, live } of walkOperations(store, run, at[0], at[at.length - 1])) {
    if (wanted.has(op.i)) out.set(op.i, toObservation(op, triples(foliosOfFile(live, op.file))));
  }
  return out;
}

/**
 * `foliolog diff RUN_A RUN_B`: compare two runs operation by operation under product.md §2's
 * rules. The operation rows are compared first, by SQLite, layout digests included, so the
 * event log is read only at the operations reported, from their nearest checkpoints: two runs
 * of a million events that part at their end cost one join of their operation rows and one
 * short replay each. With `all`, every differing operation is listed, not only the first. Runs
 * recorded before layout digests existed are compared by one forward walk of each. With
 * `storeB`, run `b` is read from that store (another file, or a PostgreSQL database): the
 * differing blocks' operation rows of each are compared in JavaScript instead of one join.
 *
 * @returns `{ equal, first, all?, summary }`; `equal` when every operation agrees and both have as many
 * @throws StoreError `E_NO_RUN` (unknown run), `E_INCOMPLETE` (its writer never finished)
 *
 * ### Example
 * ```ts
 * const d = await diffRuns(store, 1, 2);
 * if (!d.equal) console.log(d.first?.op, Object.keys(d.first?.fields ?? {}));
 * ```
 */
export async function diffRuns(store: Store, a: number, b: number, opts: { readonly all?: boolean; readonly storeB?: Store } = {}): Promise<RunDiff> {
  const storeB = opts.storeB ?? store;
  const runA = await store.requireFinishedRun(a);
  const runB = await storeB.requireFinishedRun(b);
  const pending = candidates(storeB === store ? store.rowDifferences(runA.id, runB.id) : store.rowDifferencesAcross(runA.id, storeB, runB.id));
  const settled = pending.every((c) => c.sure);
  // Sure candidates differ: only those reported need their page caches. Unsure ones (no digest)
  // are all settled by comparing the page caches.
  const look = settled && opts.all !== true ? pending.slice(0, 1) : pending;
  const at = look.map((c) => c.i);
  const xa = observationsAt(store, runA, at);
  const xb = observationsAt(storeB, runB, at);
  const found: FirstDifference[] = [];
  for (const { i } of look) {
    const x = xa.get(i)!;
    const fields = compareObservations(x, xb.get(i)!);
    if (Object.keys(fields).length > 0) found.push({ i, line: x.line, op: x.op, fields });
  }
  const compared = Math.min(runA.ops, runB.ops);
  const differing = settled ? pending.length : found.length;
  if (runA.ops !== runB.ops) {
    const x = store.loadOperations(runA.id, compared, compared)[0];
    const y = storeB.loadOperations(runB.id, compared, compared)[0];
    const only = (x ?? y)!;
    found.push({ i: only.i, line: only.line, op: only.op, fields: { op: [x?.op ?? null, y?.op ?? null] } });
  }
  const sameScript = runA.scriptText === runB.scriptText;
  const counts = { compared, differing, sameScript };
  const summary = { a: await diffSide(store, runA, counts), b: await diffSide(storeB, runB, counts) };
  const shown = opts.all === true ? found : found.slice(0, 1);
  const first = shown[0] ?? null;
  return { equal: first === null, first, ...(opts.all === true ? { all: shown } : {}), summary };
}
