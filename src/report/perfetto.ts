import type { Timeline } from '../query/index.js';

/*
 * A run in the Chrome JSON Trace Event Format, as ui.perfetto.dev and Perfetto's trace
 * processor open it. Time is the event log: `ts` is an event seq, and the format's unit (µs)
 * stands for one event, so two exports of one run are byte-identical.
 *
 * - one process per file (pid = file id + 1, named by the file); pid 1, `commands`, holds the
 *   commands as instant events (at the seq after which their events come) and the counters
 *   (at each command's last event);
 * - each folio lifetime is a nestable async slice (`b`/`e`, `id` = folio id, named by order),
 *   in category `block N` — the 2 MiB block of the file it lies in — so that the lifetimes of
 *   one block sit together; lifetimes overlap, so they cannot share one synchronous track;
 * - the lifecycle states a folio entered other than `allocated` are async slices nested in its
 *   lifetime (same id and category), from the event that entered them to the next state or its end;
 * - counters: resident pages after each command, and each per-size counter summed so far.
 */


/** One trace event (the fields this export writes). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'b' | 'e' | 'i' | 'C' | 'M';
  readonly pid: number;
  readonly tid?: number;
  readonly ts?: number;
  readonly cat?: string;
  readonly id?: number;
  readonly s?: 't' | 'p' | 'g';
  readonly args?: Readonly<Record<string, unknown>>;
}

/** The pid of the commands and counters. */
export const COMMANDS_PID = 1;

/**
 * The trace of `t` as JSON text, one event per line (a JSON object `{"traceEvents": [...]}`),
 * and how many trace events it holds. Events come in `ts` order (metadata first; at one `ts`,
 * ends before begins). Pure.
 */
export function perfettoTrace(t: Timeline): { readonly json: string; readonly events: number } {
  const lines = traceEvents(t).map((e) => JSON.stringify(e));
  const json = `{"displayTimeUnit":"ns","otherData":${JSON.stringify({
    foliolog_run: t.run.id, source: t.run.source, script: t.run.scriptName, event_log_sha256: t.run.eventHash,
    ts_unit: 'one event of the run (ts = event seq)',
  })},\n"traceEvents":[\n${lines.join(',\n')}\n]}\n`;
  return { json, events: lines.length };
}

/** The trace events of `t`, in the order `perfettoTrace` writes them. Pure. */
export function traceEvents(t: Timeline): TraceEvent[] {
  const meta: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: COMMANDS_PID, args: { name: 'commands' } },
    { name: 'process_sort_index', ph: 'M', pid: COMMANDS_PID, args: { sort_index: 0 } },
  ];
  for (const f of t.files) {
    meta.push({ name: 'process_name', ph: 'M', pid: f.id + COMMANDS_PID, args: { name: `file ${f.name}` } });
    meta.push({ name: 'process_sort_index', ph: 'M', pid: f.id + COMMANDS_PID, args: { sort_index: f.id } });
  }
  const timed: Array<readonly [ts: number, rank: number, e: TraceEvent]> = [];
  const lastSeq = t.ops.at(-1)?.lastSeq ?? 0;
  // An operation's events come after the previous operation's last seq.
  const opStart = (i: number): number => (i === 0 ? 0 : t.ops[i - 1]!.lastSeq);
  const opEnd = (i: number): number => t.ops[i]!.lastSeq;
  const totals = new Map<string, Record<string, number>>();
  for (const o of t.ops) {
    timed.push([opStart(o.i), 2, { name: o.op, ph: 'i', s: 't', pid: COMMANDS_PID, tid: 1, ts: opStart(o.i), cat: 'command', args: { i: o.i, line: o.line } }]);
    if (o.resident !== null) timed.push([opEnd(o.i), 3, { name: 'resident pages', ph: 'C', pid: COMMANDS_PID, ts: opEnd(o.i), args: { pages: o.resident } }]);
    for (const [size, counters] of Object.entries(o.stats)) {
      const sum = totals.get(size) ?? {};
      for (const [name, d] of Object.entries(counters)) sum[name] = (sum[name] ?? 0) + d;
      totals.set(size, sum);
      timed.push([opEnd(o.i), 3, { name: size, ph: 'C', pid: COMMANDS_PID, ts: opEnd(o.i), args: { ...sum } }]);
    }
  }
  for (const f of t.folios) {
    const pid = f.file + COMMANDS_PID;
    const cat = `block ${f.block}`;
    // A live folio ends after the run's last event.
    const end = f.endedSeq ?? lastSeq + 1;
    const slice = (name: string, ph: 'b' | 'e', ts: number, rank: number, args?: Record<string, unknown>): void => {
      timed.push([ts, rank, args === undefined ? { name, ph, pid, ts, cat, id: f.id } : { name, ph, pid, ts, cat, id: f.id, args }]);
    };
    const name = `order ${f.order}`;
    slice(name, 'b', f.bornSeq, 1, { folio: f.id, pgoff: f.pgoff, order: f.order, parent: f.parent, born_i: f.born, ended_i: f.ended, ended: f.endedState });
    f.states.forEach(([state, i, seq], k) => {
      if (state === 'allocated') return;
      slice(state, 'b', seq, 1, { i });
      slice(state, 'e', f.states[k + 1]?.[2] ?? end, 0);
    });
    slice(name, 'e', end, 0);
  }
  // Stable: at one ts, ends (rank 0) before begins (1), then commands (2) and counters (3).
  timed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return [...meta, ...timed.map(([, , e]) => e)];
}
