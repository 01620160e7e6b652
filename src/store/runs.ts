import type { SyncConnection } from './connection.js';
import type { Kysely } from 'kysely';
import type { BlindRun, DataRun, FolioTriple, StatsDelta } from '../script/index.js';
import type { Database } from './database.js';
import type { Counters } from './counters.js';
import { StoreError } from './errors.js';
import { type OperationRecord, type RunRecord, parseArray, parseJson, toRunRecord } from './rows.js';

/**
 * Every run, oldest first (including incomplete and failed ones).
 *
 * ### Example
 * ```ts
 * for (const run of await listRuns(store.db)) console.log(run.id, run.status, run.events)
 * ```
 */
export async function listRuns(db: Kysely<Database>): Promise<RunRecord[]> {
  const rows = await db.selectFrom('runs').selectAll().orderBy('id').execute();
  return rows.map(toRunRecord);
}

/** Run `id`, whatever its status. @throws StoreError `E_NO_RUN`. */
export async function getRun(db: Kysely<Database>, id: number): Promise<RunRecord> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new StoreError('E_NO_RUN', `no run ${id}`);
  return toRunRecord(row);
}

/**
 * Run `id` for commands that read its events: `complete` or `failed` (a failed run is kept so
 * that `history` can show what went wrong).
 * @throws StoreError `E_NO_RUN`, `E_INCOMPLETE`.
 *
 * ### Example
 * ```ts
 * const run = await requireFinishedRun(store.db, 3) // throws for a killed run
 * ```
 */
export async function requireFinishedRun(db: Kysely<Database>, id: number): Promise<RunRecord> {
  const run = await getRun(db, id);
  if (run.status === 'incomplete') {
    throw new StoreError('E_INCOMPLETE', `run ${id} is incomplete (its writer stopped before finishing)`);
  }
  return run;
}

interface RawOperation {
  i: bigint; line: bigint; op: string; task: string | null; ret: bigint | null; errno: string | null;
  size: bigint; blocks: bigint; stats: string; data: string | null; folios: string | null;
  blind: string | null; file: bigint | null; last_seq: bigint; layout: bigint | null; resident: bigint | null;
}

/** The largest operation index a column holds (`operations.i` is a 32-bit integer on PostgreSQL). */
const LAST_OP = 2 ** 31 - 1;

/**
 * The operations of run `runId` in `i` order (those with `from ≤ i ≤ to`, by default all), with
 * ret/size/blocks exact (better-sqlite3 safeIntegers). Sync.
 * @throws StoreError `E_NO_RUN`, `E_CORRUPT`.
 *
 * ### Example
 * ```ts
 * const [first] = store.loadOperations(3) // { i: 0, ret: 0n, size: 0n, stats: {}, ... }
 * ```
 */
export function loadOperations(sqlite: SyncConnection, runId: number, from = 0, to = LAST_OP): OperationRecord[] {
  if (sqlite.prepare('select 1 from runs where id = ?').get(runId) === undefined) {
    throw new StoreError('E_NO_RUN', `no run ${runId}`);
  }
  const rows = sqlite.prepare(`select i, line, op, task, ret, errno, size, blocks, stats, data, folios, blind, file,
    last_seq, layout, resident from operations where run_id = ? and i >= ? and i <= ? order by i`).safeIntegers(true)
    .all(runId, from, to) as RawOperation[];
  return rows.map(toOperationRecord);
}

function toOperationRecord(r: RawOperation): OperationRecord {
  const stats = parseJson(r.stats, 'operations.stats');
  if (typeof stats !== 'object' || stats === null || Array.isArray(stats)) {
    throw new StoreError('E_CORRUPT', 'operations.stats is not a JSON object');
  }
  return {
    i: Number(r.i), line: Number(r.line), op: r.op, task: r.task,
    ret: r.errno ?? r.ret ?? 0n, size: r.size, blocks: r.blocks, stats: stats as StatsDelta,
    data: r.data === null ? null : parseArray(r.data, 'operations.data') as DataRun[],
    folios: r.folios === null ? null : parseArray(r.folios, 'operations.folios') as FolioTriple[],
    blind: r.blind === null ? null : parseArray(r.blind, 'operations.blind') as BlindRun[],
    file: r.file === null ? null : Number(r.file), lastSeq: Number(r.last_seq),
    layout: r.layout === null ? null : Number(r.layout), resident: r.resident === null ? null : Number(r.resident),
  };
}

/**
 * An operation where two runs' rows differ: `other` when a field but the page cache and the
 * counters differs (line, op, ret/errno, size, blocks, data), both `stats` texts when they
 * differ as text (the same counters may be written in another key order), and `layout`:
 * 0 same digest, 1 different digests, 2 a digest is missing (a run older than migration 0002).
 */
export interface RowDifference {
  readonly i: number;
  readonly other: boolean;
  readonly stats: readonly [string, string] | null;
  readonly layout: 0 | 1 | 2;
}

/**
 * The operations of runs `a` and `b` (same `i`) whose rows differ, found by SQLite in a join
 * over the two runs' primary keys: only the differences cross into JavaScript. Runs recorded
 * with operation blocks (migration 0006) are joined only over the blocks whose hashes differ,
 * so two long runs that part near their end cost a few blocks, not every row. Layout digests
 * of different versions (`runs.layout_version`) count as missing. Sync.
 */
export function rowDifferences(sqlite: SyncConnection, a: number, b: number): RowDifference[] {
  const version = sqlite.prepare('select coalesce(layout_version, 1) from runs where id = ?').pluck();
  const comparable = version.get(a) === version.get(b) ? 1 : 0;
  const join = sqlite.prepare(`select x.i, (x.line is distinct from y.line or x.op is distinct from y.op or x.ret is distinct from y.ret
      or x.errno is distinct from y.errno or x.size is distinct from y.size or x.blocks is distinct from y.blocks or x.data is distinct from y.data) as other,
    x.stats is distinct from y.stats as stats_differ, x.stats as sx, y.stats as sy,
    case when x.layout is null or y.layout is null or ? = 0 then 2 when x.layout = y.layout then 0 else 1 end as layout
    from operations x join operations y on y.run_id = ? and y.i = x.i
    where x.run_id = ? and x.i >= ? and x.i <= ? and (x.line is distinct from y.line or x.op is distinct from y.op or x.ret is distinct from y.ret
      or x.errno is distinct from y.errno or x.size is distinct from y.size or x.blocks is distinct from y.blocks or x.data is distinct from y.data
      or x.stats is distinct from y.stats or x.layout is null or y.layout is null or x.layout <> y.layout or ? = 0)
    order by x.i`);
  const rows: Array<{ i: number; other: number; stats_differ: number; sx: string; sy: string; layout: 0 | 1 | 2 }> = [];
  for (const [lo, hi] of differingBlocks(sqlite, a, b)) rows.push(...join.all(comparable, b, a, lo, hi, comparable) as typeof rows);
  return rows.map((r) => ({ i: r.i, other: r.other === 1, stats: r.stats_differ === 1 ? [r.sx, r.sy] : null, layout: r.layout }));
}

/**
 * The ranges of operations `[lo, hi]` whose blocks differ between runs `a` and `b`, in order:
 * everything when either run has no blocks (recorded before migration 0006). Sync.
 */
function differingBlocks(sqlite: SyncConnection, a: number, b: number): Array<readonly [number, number]> {
  return blockRanges(runBlocks(sqlite, a), runBlocks(sqlite, b));
}

type BlockRow = { first_i: number; ops: number; hash: Uint8Array };

/** A run's operation count and its operation blocks (migration 0006), in order. */
interface RunBlocks {
  readonly ops: number;
  readonly blocks: readonly BlockRow[];
}

function runBlocks(conn: SyncConnection, id: number): RunBlocks {
  return {
    ops: conn.prepare('select ops from runs where id = ?').pluck().get(id) as number,
    blocks: conn.prepare('select first_i, ops, hash from operation_blocks where run_id = ? order by first_i').all(id) as BlockRow[],
  };
}

/**
 * The ranges of operations `[lo, hi]` whose blocks differ between two runs, in order:
 * everything when either run has no blocks (recorded before migration 0006). Pure.
 */
function blockRanges(x: RunBlocks, y: RunBlocks): Array<readonly [number, number]> {
  const all = [[0, LAST_OP] as const];
  const [xa, xb] = [x.blocks, y.blocks];
  if ((xa.length === 0 && x.ops > 0) || (xb.length === 0 && y.ops > 0)) return all;
  const byFirst = new Map(xb.map((r) => [r.first_i, r]));
  const out: Array<[number, number]> = [];
  const add = (lo: number, hi: number): void => {
    const last = out.at(-1);
    if (last !== undefined && last[1] + 1 >= lo) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  };
  for (const r of xa) {
    const o = byFirst.get(r.first_i);
    if (o === undefined || o.ops !== r.ops || Buffer.compare(r.hash, o.hash) !== 0) add(r.first_i, r.first_i + Math.max(r.ops, o?.ops ?? 0) - 1);
  }
  return out;
}

/** The columns `rowDifferencesAcross` compares, 64-bit values exact. */
type ComparedRow = {
  i: bigint; line: bigint; op: string; ret: bigint | null; errno: string | null; size: bigint | null; blocks: bigint | null;
  data: string | null; stats: string; layout: bigint | null;
};

/**
 * `rowDifferences` for runs in two stores (`foliolog diff 3 OTHER#7`), which no join spans:
 * the blocks whose hashes differ are found as they are in one store, and only their operation
 * rows are read from each store and compared here, field by field as the join compares them.
 * Sync.
 */
export function rowDifferencesAcross(x: SyncConnection, a: number, y: SyncConnection, b: number): RowDifference[] {
  const version = (conn: SyncConnection, id: number): unknown => conn.prepare('select coalesce(layout_version, 1) from runs where id = ?').pluck().get(id);
  const comparable = version(x, a) === version(y, b);
  const read = (conn: SyncConnection, id: number, lo: number, hi: number): Map<bigint, ComparedRow> => new Map(
    (conn.prepare(`select i, line, op, ret, errno, size, blocks, data, stats, layout from operations
      where run_id = ? and i >= ? and i <= ? order by i`).safeIntegers(true).all(id, lo, hi) as ComparedRow[]).map((r) => [r.i, r]));
  const out: RowDifference[] = [];
  for (const [lo, hi] of blockRanges(runBlocks(x, a), runBlocks(y, b))) {
    const ys = read(y, b, lo, hi);
    for (const [i, r] of read(x, a, lo, hi)) {
      const o = ys.get(i);
      if (o === undefined) continue;
      const other = r.line !== o.line || r.op !== o.op || r.ret !== o.ret || r.errno !== o.errno || r.size !== o.size
        || r.blocks !== o.blocks || r.data !== o.data;
      const layout = r.layout === null || o.layout === null || !comparable ? 2 : r.layout === o.layout ? 0 : 1;
      if (other || r.stats !== o.stats || layout !== 0) out.push({ i: Number(i), other, stats: r.stats !== o.stats ? [r.stats, o.stats] : null, layout });
    }
  }
  return out;
}

/**
 * The per-size counters of operations `from..to` of run `runId` summed (their `stats` only:
 * what `at` adds to a checkpoint's counters). Sync.
 */
export function sumStats(sqlite: SyncConnection, runId: number, from: number, to: number, into: Counters): void {
  const rows = sqlite.prepare('select stats from operations where run_id = ? and i >= ? and i <= ?').pluck().all(runId, from, to) as string[];
  for (const text of rows) into.add(parseJson(text, 'operations.stats') as StatsDelta);
}

/** The most pages run `runId` held after any operation, and after its last; null before 0002. Sync. */
export function residentPages(sqlite: SyncConnection, runId: number): { readonly peak: number | null; readonly final: number | null } {
  const peak = sqlite.prepare('select max(resident) from operations where run_id = ?').pluck().get(runId) as number | null;
  const final = sqlite.prepare('select resident from operations where run_id = ? order by i desc limit 1').pluck().get(runId) as number | null | undefined;
  return { peak, final: final ?? null };
}
