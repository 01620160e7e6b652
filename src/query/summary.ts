import { EVENT_CODES } from '../model/index.js';
import type { StatsDelta } from '../script/index.js';
import type { RunRecord, Store } from '../store/index.js';

/**
 * One run as `diff` saw it, with what its side of the summary compares: `compared` operations
 * were compared (the shorter run's count), `differing` of them differ; `ops - compared`
 * operations of the longer run had no partner. Resident pages count every live folio of the
 * run (all files); null for a run recorded before they were kept (migration 0002).
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
  readonly peakResident: number | null;
  readonly finalResident: number | null;
  /** Live folios at the end, by order (`"9": 2`). */
  readonly foliosByOrder: Readonly<Record<string, number>>;
  /** Per-size counters summed over the run (null before migration 0002). */
  readonly counters: StatsDelta | null;
  /** `folio_split_failed` events (null before migration 0002). */
  readonly splitFailures: number | null;
  /** Events that entered each lifecycle state, by state name (null before migration 0002). */
  readonly eventsByState: Readonly<Record<string, number>> | null;
}

/** What both sides share: how many operations were compared, how many differ, same script. */
export interface DiffCounts {
  readonly compared: number;
  readonly differing: number;
  readonly sameScript: boolean;
}

/**
 * The summary side of one run. Costs a scan of its resident pages per operation, one replay
 * from the last checkpoint (folios by order at the end) and the tallies written when the run
 * finished: nothing proportional to its events.
 */
export async function diffSide(store: Store, run: RunRecord, counts: DiffCounts): Promise<DiffSide> {
  const t = run.tallies;
  // Runs recorded since the writer keeps these at finish cost no scan; older ones are computed.
  const { peak, final } = t?.peakResident !== undefined && t.finalResident !== undefined
    ? { peak: t.peakResident, final: t.finalResident } : store.residentPages(run.id);
  const byOrder: Record<string, number> = { ...(t?.foliosByOrder ?? {}) };
  if (t?.foliosByOrder === undefined) for (const f of store.replay(run.id, run.events).table.values()) byOrder[f.order] = (byOrder[f.order] ?? 0) + 1;
  const names = new Map((await store.db.selectFrom('folio_states').select(['code', 'name']).execute()).map((r) => [String(r.code), r.name]));
  return {
    run: run.id, source: run.source, script: run.scriptName, release: run.kernelRelease, status: run.status,
    ops: run.ops, ...counts,
    peakResident: peak,
    finalResident: final,
    foliosByOrder: byOrder,
    counters: run.counters,
    splitFailures: t === null ? null : t.events[String(EVENT_CODES.folio_split_failed)] ?? 0,
    eventsByState: t === null ? null : Object.fromEntries(Object.entries(t.states).map(([code, n]) => [names.get(code) ?? code, n])),
  };
}
