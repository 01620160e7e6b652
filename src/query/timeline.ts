import { EVENT_CODES, HPAGE_PMD_NR } from '../model/index.js';
import type { StatsDelta } from '../script/index.js';
import type { RunRecord, Store } from '../store/index.js';

/*
 * A whole run as a picture reads it (`foliolog report`, `export --perfetto`): every folio's
 * lifetime in operations, the operations that marked it, and the memory after each operation.
 * Read once from the store: the folio rows by id, the marking events by seq, the operation rows
 * in order. Nothing is replayed.
 */

/** Folio lifecycle states by code (machines/folio.machine.ts FOLIO_STATE_CODES). */
export const STATE_NAMES: readonly string[] = [
  '', 'allocated', 'partially-punched', 'split-failed', 'reclaim-candidate', 'collapsed', 'split', 'freed', 'collapsed-into',
];

/** What happened to a folio at an operation, as a picture marks it. */
export type MarkKind = 'uptodate' | 'punched' | 'split' | 'split-failed' | 'reclaim-marked' | 'reclaim-cleared' | 'collapsed'
  | 'pinned' | 'unpinned' | 'uptodate-cleared';

const MARK_KINDS = new Map<number, MarkKind>([
  [EVENT_CODES.folio_marked_uptodate, 'uptodate'], [EVENT_CODES.folio_zeroed, 'punched'], [EVENT_CODES.folio_split, 'split'],
  [EVENT_CODES.folio_split_failed, 'split-failed'], [EVENT_CODES.folio_reclaim_marked, 'reclaim-marked'],
  [EVENT_CODES.folio_reclaim_cleared, 'reclaim-cleared'], [EVENT_CODES.folio_collapsed, 'collapsed'],
  [EVENT_CODES.folio_pinned, 'pinned'], [EVENT_CODES.folio_unpinned, 'unpinned'],
  [EVENT_CODES.folio_uptodate_cleared, 'uptodate-cleared'],
]);

/** One folio's lifetime, in operations. */
export interface Lifetime {
  readonly id: number;
  readonly file: number;
  readonly pgoff: number;
  readonly order: number;
  /** The PMD-sized (2 MiB) block of the file its first page lies in. */
  readonly block: number;
  readonly parent: number | null;
  /** The operation that made it, and the one that ended it (null: live at the run's end). */
  readonly born: number;
  readonly ended: number | null;
  /** The event seqs of its birth and end. */
  readonly bornSeq: number;
  readonly endedSeq: number | null;
  /** How it ended (`split`, `freed`, `collapsed-into`), null while live. */
  readonly endedState: string | null;
  /** The operation that made it uptodate (its birth when born so), null if never. */
  uptodate: number | null;
  /** Live lifecycle states it entered after its birth, with the operation and event that caused each. */
  readonly states: Array<readonly [state: string, i: number, seq: number]>;
  /**
   * What happened to it, by operation (birth and end apart; its first `uptodate` is `uptodate`
   * — a later one follows an `uptodate-cleared`, per-block policy only).
   */
  readonly marks: Array<readonly [kind: MarkKind, i: number, seq: number]>;
}

/** One operation as a picture shows it. */
export interface TimelineOp {
  readonly i: number;
  readonly line: number;
  readonly op: string;
  readonly file: number | null;
  /** Pages of every live folio after it (null: a run recorded before the store kept it). */
  readonly resident: number | null;
  readonly lastSeq: number;
  /** The per-size counters it changed (product.md §2 `stats`). */
  readonly stats: StatsDelta;
}

/** A run as one picture. */
export interface Timeline {
  readonly run: RunRecord;
  readonly files: ReadonlyArray<{ readonly id: number; readonly name: string }>;
  readonly ops: readonly TimelineOp[];
  readonly folios: readonly Lifetime[];
}

/**
 * Read run `runId` (complete or failed) as a `Timeline`. Costs the run's folio rows, its
 * marking events and its operation rows, once each.
 * @throws StoreError `E_NO_RUN`, `E_INCOMPLETE`, `E_DAMAGED`.
 */
export async function readTimeline(store: Store, runId: number): Promise<Timeline> {
  const run = await store.requireFinishedRun(runId);
  const ops: TimelineOp[] = store.loadOperations(run.id).map((o) => ({
    i: o.i, line: o.line, op: o.op, file: o.file, resident: o.resident, lastSeq: o.lastSeq, stats: o.stats,
  }));
  const opOfSeq = seqToOp(ops);
  const folios: Lifetime[] = [];
  const byId = new Map<number, Lifetime>();
  for (const [id, file, pgoff, order, parent, bornSeq, endedSeq, endedState] of store.lifetimes(run.id)) {
    const f: Lifetime = {
      id, file, pgoff, order, block: Math.floor(pgoff / HPAGE_PMD_NR), parent, born: opOfSeq(bornSeq), ended: endedSeq === null ? null : opOfSeq(endedSeq), bornSeq, endedSeq,
      endedState: endedState === null ? null : STATE_NAMES[endedState] ?? String(endedState), uptodate: null, states: [], marks: [],
    };
    folios.push(f);
    byId.set(id, f);
  }
  for (const [seq, i, folio, event, to] of store.lifetimeMarks(run.id)) {
    const f = byId.get(folio);
    const kind = MARK_KINDS.get(event);
    if (f === undefined || kind === undefined) continue;
    if (kind === 'uptodate' && f.uptodate === null) f.uptodate = i;
    else f.marks.push([kind, i, seq]);
    // A live state entered after birth (back to `allocated` too); the end's own state is `endedState`.
    const now = f.states.at(-1)?.[0] ?? 'allocated';
    if (to !== null && to >= 1 && to <= 5 && STATE_NAMES[to] !== now) f.states.push([STATE_NAMES[to]!, i, seq]);
  }
  return { run, files: store.files(run.id).map((f) => ({ id: f.id, name: f.name })), ops, folios };
}

/** The operation an event seq belongs to: the first whose `lastSeq` reaches it. Pure. */
function seqToOp(ops: readonly TimelineOp[]): (seq: number) => number {
  return (seq) => {
    let lo = 0;
    let hi = ops.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ops[mid]!.lastSeq >= seq) hi = mid;
      else lo = mid + 1;
    }
    return ops[lo]?.i ?? 0;
  };
}
