import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { BlindRun, DataRun, FolioTriple, StatsDelta } from '../script/index.js';
import type { Database } from './database.js';
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
export function loadOperations(sqlite: BetterSqlite3.Database, runId: number, from = 0, to = Number.MAX_SAFE_INTEGER): OperationRecord[] {
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
