import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { runMeta } from '../cli/index.js';
import { BENCH_MIX } from '../sim/index.js';
import { BATCH_EVENTS, openStore } from '../store/index.js';
import type { EventColumns } from './measure.js';
import { median, recordMix } from './measure.js';

/** What the PostgreSQL recorder measured against raw `pg` inserts of the same event rows. */
export interface PostgresBench {
  readonly events: number;
  /** Simulating and recording the mix into PostgreSQL (the writer's COPY batches), ms. */
  readonly recordMs: number;
  /** The same rows inserted raw with multi-row VALUES statements of 1,000 rows, 10,000 a transaction, ms. */
  readonly valuesMs: number;
  /** The same rows inserted raw with one COPY FROM STDIN per 10,000, ms. */
  readonly copyMs: number;
}

const EPOCH = { now: () => new Date(0) };
const COLUMNS = 'run_id, seq, i, folio, event, from_state, to_state, arg';
const ROWS_PER_STATEMENT = 1000;

/** A fresh run row in the store at `url` for raw rows to reference (events' foreign key). */
async function freshRun(url: string): Promise<number> {
  const store = await openStore(url, 'create');
  try {
    return store.beginRun(runMeta({ source: 'model', scriptName: 'raw', scriptText: '', config: {}, seed: 0, policy: 'linux-6.18', kernelRelease: null }), EPOCH).runId;
  } finally {
    await store.close();
  }
}

const cell = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** Insert `ev` into `events` of the store at `url` under a fresh run, raw: VALUES or COPY. Returns ms of the inserts alone. */
async function rawMs(url: string, ev: EventColumns, how: 'values' | 'copy'): Promise<number> {
  const runId = await freshRun(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [seq, i, folio, event, from, to, arg] = ev.cols as Float64Array[] as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const row = (k: number): Array<number | null> => [runId, seq[k]!, i[k]!, cell(folio[k]!), event[k]!, cell(from[k]!), cell(to[k]!), cell(arg[k]!)];
    const t = performance.now();
    for (let start = 0; start < ev.n; start += BATCH_EVENTS) {
      const end = Math.min(ev.n, start + BATCH_EVENTS);
      await client.query('begin');
      if (how === 'values') {
        for (let a = start; a < end; a += ROWS_PER_STATEMENT) {
          const b = Math.min(end, a + ROWS_PER_STATEMENT);
          const values: Array<number | null> = [];
          const tuples: string[] = [];
          for (let k = a; k < b; k++) {
            const base = values.length;
            values.push(...row(k));
            tuples.push(`(${Array.from({ length: 8 }, (_v, c) => `$${base + c + 1}`).join(', ')})`);
          }
          await client.query(`insert into events (${COLUMNS}) values ${tuples.join(', ')}`, values);
        }
      } else {
        let text = '';
        for (let k = start; k < end; k++) text += `${row(k).map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`;
        await pipeline(Readable.from([text]), client.query(copyStreams.from(`copy events (${COLUMNS}) from stdin`)));
      }
      await client.query('commit');
    }
    return performance.now() - t;
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL store's recorder against the physical limit on the same server, in the same
 * run: record the bench mix into the store at `url` (`rounds` times), then insert the same event
 * rows raw into the same table, batched as the writer batches (10,000 a transaction) with
 * multi-row VALUES and with COPY. Medians of `rounds`.
 */
export async function postgresBench(url: string, events: EventColumns, n: number, rounds: number, log: (s: string) => void): Promise<PostgresBench> {
  const record: number[] = [];
  const values: number[] = [];
  const copy: number[] = [];
  for (let r = 0; r < rounds; r++) {
    log(`record ${n.toLocaleString('en')} events into PostgreSQL (${r + 1}/${rounds})`);
    record.push((await recordMix(url, BENCH_MIX, n)).ms);
    log(`raw pg inserts of the same rows (${r + 1}/${rounds})`);
    values.push(await rawMs(url, events, 'values'));
    copy.push(await rawMs(url, events, 'copy'));
  }
  return { events: events.n, recordMs: median(record), valuesMs: median(values), copyMs: median(copy) };
}
