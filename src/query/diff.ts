import type { Observation } from '../script/index.js';
import { compareObservations } from '../script/index.js';
import type { OperationRecord, RunRecord, Store } from '../store/index.js';
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

/** An operation's observation without its page cache: every field the operation rows hold. */
function bare(op: OperationRecord): Observation {
  const { blind: _blind, ...o } = toObservation(op, []);
  return o;
}

/** An operation pair that may differ: its other fields, and whether the layouts are known to differ. */
interface Candidate {
  readonly i: number;
  readonly fields: Record<string, [unknown, unknown]>;
  /** 'differ' by digest, or 'unknown' (a run recorded before layout digests). */
  readonly layout: 'same' | 'differ' | 'unknown';
}

/**
 * The operations where the rows alone say two runs may part: any field but the page cache
 * differs, or the layout digests (migration 0002) differ or are missing. O(operations): the
 * event log is not read. Pure.
 */
function candidates(a: readonly OperationRecord[], b: readonly OperationRecord[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    const layout = x.layout === null || y.layout === null ? 'unknown' : x.layout === y.layout ? 'same' : 'differ';
    const fields = compareObservations(bare(x), bare(y));
    if (layout !== 'same' || Object.keys(fields).length > 0) out.push({ i, fields, layout });
  }
  return out;
}

/** The page cache of each run at the candidates' operations, from one forward walk per run. */
function layoutsAt(store: Store, run: RunRecord, ops: readonly OperationRecord[], at: readonly number[]): Map<number, Observation> {
  const out = new Map<number, Observation>();
  if (at.length === 0) return out;
  if (run.source === 'kernel') {
    for (const i of at) out.set(i, toObservation(ops[i]!, ops[i]!.folios ?? []));
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
 * rules. The operation rows are compared first (layout digests included), so the event log is
 * read only at the operations that differ, from their nearest checkpoints: two runs of a million
 * events that part at their end cost two operation scans and one short replay each. With `all`,
 * every differing operation is listed, not only the first.
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
export async function diffRuns(store: Store, a: number, b: number, opts: { readonly all?: boolean } = {}): Promise<RunDiff> {
  const runA = await store.requireFinishedRun(a);
  const runB = await store.requireFinishedRun(b);
  const opsA = store.loadOperations(runA.id);
  const opsB = store.loadOperations(runB.id);
  const resolve = (batch: readonly Candidate[]): FirstDifference[] => {
    const need = batch.filter((c) => c.layout !== 'same').map((c) => c.i);
    const la = layoutsAt(store, runA, opsA, need);
    const lb = layoutsAt(store, runB, opsB, need);
    return batch.flatMap((c) => {
      const x = la.get(c.i);
      const y = lb.get(c.i);
      const fields = x !== undefined && y !== undefined ? compareObservations(x, y) : c.fields;
      return Object.keys(fields).length > 0 ? [{ i: c.i, line: opsA[c.i]!.line, op: opsA[c.i]!.op, fields }] : [];
    });
  };
  const pending = candidates(opsA, opsB);
  // With layout digests on both sides every candidate differs for sure: only the first (or,
  // with --all, every one) needs its page caches. A candidate whose digest is unknown (a run
  // recorded before migration 0002) may turn out equal, so all are settled, in one forward walk.
  const sure = pending.every((c) => c.layout !== 'unknown');
  const found = resolve(sure && opts.all !== true ? pending.slice(0, 1) : pending);
  const differing = sure ? pending.length : found.length;
  const compared = Math.min(opsA.length, opsB.length);
  if (opsA.length !== opsB.length) {
    const x = opsA[compared];
    const y = opsB[compared];
    const only = (x ?? y)!;
    found.push({ i: only.i, line: only.line, op: only.op, fields: { op: [x?.op ?? null, y?.op ?? null] } });
  }
  const sameScript = runA.scriptText === runB.scriptText;
  const counts = { compared, differing, sameScript };
  const summary = { a: await diffSide(store, runA, opsA, counts), b: await diffSide(store, runB, opsB, counts) };
  const first = found[0] ?? null;
  return { equal: first === null, first, ...(opts.all === true ? { all: found } : {}), summary };
}
