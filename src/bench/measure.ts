import { statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { recorderFor, runMeta } from '../cli/index.js';
import { at, diffRuns } from '../query/index.js';
import { type MixOptions, mixProgram, Simulation } from '../sim/index.js';
import { openStore, type Store } from '../store/index.js';

/** A recorded mix run: how long simulating and recording took, in-process, and what it left. */
export interface Recorded {
  readonly runId: number;
  readonly events: number;
  readonly ops: number;
  readonly ms: number;
}

const EPOCH = { now: () => new Date(0) };

/**
 * Simulate the mix with the store's run writer until at least `events` events, oracle off, the
 * way `foliolog run --no-check` records (no observation is printed or kept). Times the
 * simulation and the writes, not the store's opening.
 */
export async function recordMix(path: string, mix: MixOptions, events: number, edit?: { readonly at: number; readonly line: string }): Promise<Recorded> {
  const store = await openStore(path, 'create');
  try {
    const name = `mix seed=${mix.seed} files=${mix.files} file_bytes=${mix.fileBytes} max_pages=${mix.maxPages} huge=${mix.huge}`;
    const writer = store.beginRun(runMeta({
      source: 'model', scriptName: name, scriptText: `# ${name}, until ${events} events${edit ? `, line ${edit.at + 1}: ${edit.line}` : ''}\n`,
      config: { check: false }, seed: mix.seed, policy: 'linux-6.18', kernelRelease: null,
    }), EPOCH);
    const t = performance.now();
    const sim = new Simulation(mixProgram(mix, name, edit), { check: false, recorder: recorderFor(writer), keepObservations: false });
    while (sim.result().events < events && sim.step());
    const r = sim.result();
    if (r.failure) throw new Error(r.failure.message);
    const s = writer.finish('complete');
    return { runId: s.runId, events: s.events, ops: s.ops, ms: performance.now() - t };
  } finally {
    await store.close();
  }
}

/** Event rows of a run as columns (null as NaN): what the raw insert limit writes again. */
export interface EventColumns {
  readonly n: number;
  readonly cols: readonly Float64Array[];
}

const EVENT_COLUMNS = ['seq', 'i', 'folio', 'event', 'from_state', 'to_state', 'arg'] as const;

/** Read run `runId`'s event rows from the store at `path`. */
export function readEvents(path: string, runId: number): EventColumns {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const n = (db.prepare('select count(*) from events where run_id = ?').pluck().get(runId) as number);
    const cols = EVENT_COLUMNS.map(() => new Float64Array(n));
    let k = 0;
    const rows = db.prepare(`select ${EVENT_COLUMNS.join(', ')} from events where run_id = ? order by seq`).raw().iterate(runId);
    for (const row of rows as Iterable<Array<number | null>>) {
      for (let c = 0; c < cols.length; c++) cols[c]![k] = row[c] ?? NaN;
      k++;
    }
    return { n, cols };
  } finally {
    db.close();
  }
}

/**
 * The physical limit: insert the same event rows into a fresh store of the same schema and
 * indexes (foreign keys and WAL as foliolog opens it), one prepared statement, transactions of
 * `batch` rows. Returns the milliseconds of the inserts alone.
 */
export async function rawInsertMs(path: string, ev: EventColumns, batch: number): Promise<number> {
  const store = await openStore(path, 'create');
  const runId = store.beginRun(runMeta({
    source: 'model', scriptName: 'raw', scriptText: '', config: {}, seed: 0, policy: 'linux-6.18', kernelRelease: null,
  }), EPOCH).runId;
  await store.close();
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    const insert = db.prepare(`insert into events (run_id, ${EVENT_COLUMNS.join(', ')}) values (?, ?, ?, ?, ?, ?, ?, ?)`);
    const [seq, i, folio, event, from, to, arg] = ev.cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
    const chunk = db.transaction((start: number, end: number) => {
      for (let k = start; k < end; k++) insert.run(runId, seq[k], i[k], orNull(folio[k]!), event[k], orNull(from[k]!), orNull(to[k]!), orNull(arg[k]!));
    });
    const t = performance.now();
    for (let k = 0; k < ev.n; k += batch) chunk.immediate(k, Math.min(ev.n, k + batch));
    return performance.now() - t;
  } finally {
    db.close();
  }
}

/** The store file's bytes after a WAL checkpoint (the whole file: every table and index). */
export function storeBytes(path: string): number {
  const db = new BetterSqlite3(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return statSync(path).size;
}

/** Milliseconds of one `at RUN SEQ` (the whole page cache of the current file), in-process. */
export async function atMs(store: Store, runId: number, seq: number): Promise<number> {
  const t = performance.now();
  await at(store, runId, { seq }, {});
  return performance.now() - t;
}

/** Milliseconds of one `diff A B` (first divergence), in-process; throws when the runs agree. */
export async function diffMs(store: Store, a: number, b: number): Promise<number> {
  const t = performance.now();
  const d = await diffRuns(store, a, b);
  const ms = performance.now() - t;
  if (d.equal) throw new Error(`runs ${a} and ${b} do not differ`);
  return ms;
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
