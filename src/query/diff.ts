import type { Observation } from '../script/index.js';
import { compareObservations } from '../script/index.js';
import type { RunRecord, Store } from '../store/index.js';
import { runObservations } from './observations.js';

/** The first operation where two runs part, and every field of it that differs. */
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

/**
 * One run as `diff` saw it. `compared` operations were compared (the shorter run's count),
 * `differing` of them differ; `ops - compared` operations of the longer run had no partner.
 */
export interface DiffSide {
  readonly run: number;
  readonly source: 'model' | 'kernel';
  readonly script: string;
  /** `uname -r` of a kernel run, null for a model run. */
  readonly release: string | null;
  readonly status: string;
  readonly ops: number;
  readonly compared: number;
  readonly differing: number;
  /** Whether the two runs ran the same script text (runs of different scripts are still compared op by op). */
  readonly sameScript: boolean;
}

/** What `foliolog diff` prints with `--json` (product.md §3). */
export interface RunDiff {
  readonly equal: boolean;
  readonly first: FirstDifference | null;
  readonly summary: { readonly a: DiffSide; readonly b: DiffSide };
}

/**
 * Compare two runs' §2 observations operation by operation (product.md §2's rules, see
 * `compareObservations`): both must agree on every operation and have as many. Pure.
 *
 * @param a - run A and its observations
 * @param b - run B and its observations
 * @returns `{ equal, first, summary }`
 */
export function diffObservations(
  a: { readonly run: RunRecord; readonly observations: readonly Observation[] },
  b: { readonly run: RunRecord; readonly observations: readonly Observation[] },
): RunDiff {
  const compared = Math.min(a.observations.length, b.observations.length);
  let first: FirstDifference | null = null;
  let differing = 0;
  for (let i = 0; i < compared; i++) {
    const x = a.observations[i]!;
    const fields = compareObservations(x, b.observations[i]!);
    if (Object.keys(fields).length === 0) continue;
    differing++;
    first ??= { i: x.i, line: x.line, op: x.op, fields };
  }
  if (first === null && a.observations.length !== b.observations.length) {
    const x = a.observations[compared];
    const y = b.observations[compared];
    const only = (x ?? y)!;
    first = { i: only.i, line: only.line, op: only.op, fields: { op: [x?.op ?? null, y?.op ?? null] } };
  }
  const sameScript = a.run.scriptText === b.run.scriptText;
  const side = (r: RunRecord, ops: number): DiffSide => ({
    run: r.id, source: r.source, script: r.scriptName, release: r.kernelRelease, status: r.status,
    ops, compared, differing, sameScript,
  });
  return {
    equal: first === null,
    first,
    summary: { a: side(a.run, a.observations.length), b: side(b.run, b.observations.length) },
  };
}

/**
 * `foliolog diff RUN_A RUN_B`: load both runs (each complete or failed; a failed run is
 * compared as far as it got) and compare them.
 *
 * @param store - an open store
 * @param a - run id A
 * @param b - run id B
 * @returns the diff; `equal` when every operation agrees and both have as many
 * @throws StoreError `E_NO_RUN` (unknown run), `E_INCOMPLETE` (its writer never finished)
 *
 * ### Example
 * ```ts
 * const d = await diffRuns(store, 1, 2);
 * if (!d.equal) console.log(d.first?.op, Object.keys(d.first?.fields ?? {}));
 * ```
 */
export async function diffRuns(store: Store, a: number, b: number): Promise<RunDiff> {
  const runA = await store.requireFinishedRun(a);
  const runB = await store.requireFinishedRun(b);
  return diffObservations(
    { run: runA, observations: runObservations(store, runA) },
    { run: runB, observations: runObservations(store, runB) },
  );
}
