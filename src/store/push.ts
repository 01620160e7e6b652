import { createHash, type Hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { StoreError, isStoreError } from './errors.js';
import { type EventRow, type RunRecord, eventLine } from './rows.js';
import { COPY_BATCH_ROWS, type Cell, RUNS_TABLE, RUN_TABLES, type RunRows, type RunRowsReader } from './run-rows.js';

/** A store that `pushRuns` reads from or writes into, whatever its backend (`Store` of either backend). */
export interface PushStore {
  /** Typed reads (runs, store_meta). */
  readonly db: Kysely<Database>;
  /** The path or URL, as messages show it. */
  readonly path: string;
  getRun(id: number): Promise<RunRecord>;
  rows(): RunRows;
}

/** A run `pushRuns` copied: its id in the source and in the target, and its events. */
export interface PushedRun {
  readonly from: number;
  readonly to: number;
  readonly events: number;
}

/** The store's identity (`store_meta.id`, migration 0010): a UUID drawn when it was created. */
export async function storeIdentity(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('store_meta').select('value').where('key', '=', 'id').executeTakeFirst();
  if (row === undefined) throw new StoreError('E_CORRUPT', 'store_meta holds no store id');
  return row.value;
}

/**
 * A run's identity across stores: where it was first recorded, `STORE_ID/RUN_ID` (its origin
 * when it was pushed there itself). Pure.
 */
export function runIdentity(storeId: string, run: Pick<RunRecord, 'id' | 'origin'>): string {
  return run.origin ?? `${storeId}/${run.id}`;
}

/**
 * Copy the finished runs `ids` of `source` into `target`, every row of every per-run table,
 * each run in one transaction of the target: the copy gets a new id there and records its
 * origin (`runs.origin`, see `runIdentity`), and its event-log hash, recomputed from the rows
 * written, must equal the source's before it commits. Every run is checked before any is copied.
 * `pushed` is told of each run as it commits.
 * @returns the copies, in the order of `ids` (duplicates ignored)
 * @throws StoreError `E_NO_RUN`, `E_INCOMPLETE` (nothing pushed), `E_DUPLICATE_RUN` (the target
 *   holds the run already: nothing pushed), `E_DAMAGED` (the source's events do not hash to what
 *   it recorded) or `E_CORRUPT` (the copy hashes differently): that run is rolled back; and the
 *   backends' driver errors.
 *
 * ### Example
 * ```ts
 * await pushRuns(sqliteStore, postgresStore, [3], (r) => console.error(`pushed run ${r.from} → ${r.to}`))
 * ```
 */
export async function pushRuns(source: PushStore, target: PushStore, ids: readonly number[],
  pushed: (run: PushedRun) => void = () => undefined): Promise<PushedRun[]> {
  const [sourceId, targetId] = [await storeIdentity(source.db), await storeIdentity(target.db)];
  const runs: Array<{ run: RunRecord; identity: string }> = [];
  for (const id of new Set(ids)) {
    const run = await source.getRun(id);
    if (run.status === 'incomplete') {
      throw new StoreError('E_INCOMPLETE', `run ${id} of ${source.path} is incomplete (its writer stopped before finishing): nothing pushed`);
    }
    const identity = runIdentity(sourceId, run);
    const copy = await findRun(target.db, targetId, identity);
    if (copy !== undefined) {
      throw new StoreError('E_DUPLICATE_RUN', `run ${id} is already in ${target.path} as run ${copy}: nothing pushed`);
    }
    runs.push({ run, identity });
  }
  const out: PushedRun[] = [];
  for (const { run, identity } of runs) {
    const to = await copyRun(source.rows(), target, source.path, run, identity).catch((e: unknown) => {
      if (isStoreError(e, 'E_DUPLICATE_RUN')) {
        throw new StoreError('E_DUPLICATE_RUN', `run ${run.id} was pushed to ${target.path} meanwhile by someone else`, { cause: e });
      }
      throw e;
    });
    const done = { from: run.id, to, events: run.events };
    pushed(done);
    out.push(done);
  }
  return out;
}

/** The id of the target's run with that identity (its origin, or the target's own run), if any. */
async function findRun(db: Kysely<Database>, storeId: string, identity: string): Promise<number | undefined> {
  const own = identity.startsWith(`${storeId}/`) ? Number(identity.slice(storeId.length + 1)) : undefined;
  const row = await db.selectFrom('runs').select('id')
    .where((eb) => (own === undefined ? eb('origin', '=', identity) : eb.or([eb('origin', '=', identity), eb('id', '=', own)])))
    .orderBy('id').executeTakeFirst();
  return row?.id;
}

/**
 * Copy run `run` into `target` in one transaction; returns its new id. The event-log hash is
 * taken twice: over the source's rows as they stream by (a source whose events no longer hash
 * to what it recorded is damaged) and over the rows read back from the target (a copy that
 * differs is our failure); either mismatch rolls the copy back.
 */
async function copyRun(source: RunRows, target: PushStore, sourcePath: string, run: RunRecord, identity: string): Promise<number> {
  return target.rows().write(async (writer) => {
    const columns = await source.columns(RUNS_TABLE.name);
    const [row] = await firstBatch(source, run.id, columns);
    if (row === undefined) throw new StoreError('E_NO_RUN', `no run ${run.id}`);
    const kept = columns.flatMap((c, k) => (c === 'id' ? [] : [[c, c === 'origin' ? identity : row[k]!] as const]));
    const to = await writer.insertRun(kept.map(([c]) => c), kept.map(([, v]) => v));
    const read = createHash('sha256');
    for (const table of RUN_TABLES) {
      const cols = await source.columns(table.name);
      let batches = source.batches(table, run.id, cols, COPY_BATCH_ROWS);
      if (table.name === 'events') batches = hashed(batches, HASHED.map((c) => cols.indexOf(c)), read);
      await writer.insertRows(table.name, cols, renumbered(batches, cols.indexOf(table.runColumn), to));
    }
    if (run.eventHash === null) return to;
    const sent = read.digest('hex');
    if (sent !== run.eventHash) {
      throw new StoreError('E_DAMAGED', `${sourcePath} is damaged: the events of run ${run.id} hash to ${sent}, not the ${run.eventHash} it recorded: not pushed`);
    }
    const written = await eventHash(writer, to);
    if (written !== run.eventHash) {
      throw new StoreError('E_CORRUPT', `run ${run.id} copied into ${target.path} hashes to ${written}, not ${run.eventHash}: not pushed`);
    }
    return to;
  });
}

/** `batches` as they are, each event row (its columns at `at`, in HASHED order) fed to `hash` on the way. */
async function* hashed(batches: AsyncIterable<Cell[][]>, at: readonly number[], hash: Hash): AsyncIterable<Cell[][]> {
  for await (const batch of batches) {
    for (const row of batch) hash.update(lineOf(at.map((k) => row[k]!)));
    yield batch;
  }
}

/** `batches` with column `at` of every row set to run id `to`. */
async function* renumbered(batches: AsyncIterable<Cell[][]>, at: number, to: number): AsyncIterable<Cell[][]> {
  for await (const batch of batches) {
    for (const row of batch) row[at] = to;
    yield batch;
  }
}

async function firstBatch(source: RunRowsReader, id: number, columns: readonly string[]): Promise<Cell[][]> {
  for await (const batch of source.batches(RUNS_TABLE, id, columns, 1)) return batch;
  return [];
}

/** The stored columns the event-log hash covers, in its order (product.md §4). */
const HASHED = ['seq', 'i', 'folio', 'event', 'from_state', 'to_state', 'arg'];

/** The hashed line of an event row given as its HASHED columns (`eventLine`). Pure. */
function lineOf([seq, i, folio, event, from, to, arg]: readonly Cell[]): string {
  return eventLine({ seq, i, folio, event, from, to, arg } as unknown as EventRow);
}

/** The event-log hash of run `runId` as `reader` sees it (product.md §4, `eventLine`). */
export async function eventHash(reader: RunRowsReader, runId: number): Promise<string> {
  const h = createHash('sha256');
  const events = RUN_TABLES.find((t) => t.name === 'events')!;
  for await (const batch of reader.batches(events, runId, HASHED, COPY_BATCH_ROWS)) {
    for (const row of batch) h.update(lineOf(row));
  }
  return h.digest('hex');
}
