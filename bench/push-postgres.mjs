// foliolog push into PostgreSQL against raw pg inserts of the same event rows (issue 13).
//
//   npm run build
//   printf 'mount tmpfs huge=never\npwrite 0 2g\nfpunch 0 1g\n' > /tmp/big.fl
//   node dist/src/cli/bin.js run /tmp/big.fl --db /tmp/big.db          # 1,310,723 events, 524,288 folios
//   node bench/push-postgres.mjs /tmp/big.db 1 'postgres://USER@/postgres?host=SOCKDIR'
//
// The URL names any database of a server where USER may create databases: the script creates
// foliolog_bench_push (the push target) and foliolog_bench_raw, and drops both at the end.
// Printed: the push end to end (every row of every table of the run, one transaction, the
// event hash read back and checked), then the run's events alone inserted three raw ways into a
// table shaped like `events` (same columns, primary key and foreign key to a runs table), the
// rows already in memory: multi-row VALUES of 1,000 rows, unnest of 1,000-row arrays, and one
// COPY FROM STDIN (what push uses).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

const [store, runArg, url] = process.argv.slice(2);
if (!store || !runArg || !url) throw new Error('usage: node bench/push-postgres.mjs STORE.db RUN postgres://...');
const run = Number(runArg);
const { openStore, pushRuns } = await import(resolve(import.meta.dirname, '../dist/src/store/index.js'));
// The same URL naming another database (WHATWG URL takes no empty host: a socket URL has one).
const dbUrl = (name) => url.replace(/^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${name}`);

const admin = new pg.Client({ connectionString: url });
await admin.connect();
for (const name of ['foliolog_bench_push', 'foliolog_bench_raw']) {
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
}

const lite = new Database(store, { readonly: true });
const rowsOf = (t) => lite.prepare(`select count(*) from ${t} where run_id = ?`).pluck().get(run);
const counted = ['files', 'operations', 'folios', 'events', 'checkpoints', 'explanations', 'operation_blocks'].reduce((n, t) => n + rowsOf(t), 1);
const events = rowsOf('events');

const source = await openStore(store, 'existing');
const target = await openStore(dbUrl('foliolog_bench_push'), 'create');
let t0 = performance.now();
await pushRuns(source, target, [run]);
const pushMs = performance.now() - t0;
await source.close();
await target.close();
console.log(`push SQLite → PostgreSQL: ${counted} rows (${events} events) in ${(pushMs / 1000).toFixed(1)} s: ${Math.round(counted / pushMs * 1000)} rows/s`);

lite.defaultSafeIntegers(true);
const rows = lite.prepare('select run_id, seq, i, folio, event, from_state, to_state, arg from events where run_id = ? order by seq').raw(true).all(run);
const raw = new pg.Client({ connectionString: dbUrl('foliolog_bench_raw') });
await raw.connect();
await raw.query('create table runs (id integer primary key)');
await raw.query('insert into runs values ($1)', [run]);
const columns = 'run_id, seq, i, folio, event, from_state, to_state, arg';
const types = ['int4', 'int8', 'int4', 'int8', 'int4', 'int4', 'int4', 'int8'];
async function timed(name, insert) {
  await raw.query(`create table ${name} (run_id integer not null references runs (id) on delete cascade, seq bigint not null,
    i integer not null, folio bigint, event integer not null, from_state integer, to_state integer, arg bigint, primary key (run_id, seq))`);
  await raw.query('begin');
  t0 = performance.now();
  await insert(name);
  await raw.query('commit');
  const ms = performance.now() - t0;
  console.log(`raw ${name}: ${rows.length} events in ${(ms / 1000).toFixed(1)} s: ${Math.round(rows.length / ms * 1000)} rows/s`);
}
await timed('values_1000', async (t) => {
  for (let k = 0; k < rows.length; k += 1000) {
    const b = rows.slice(k, k + 1000);
    const tuples = b.map((_r, r) => `(${types.map((_c, j) => `$${r * 8 + j + 1}`).join(', ')})`).join(', ');
    await raw.query({ name: `values${b.length}`, text: `insert into ${t} (${columns}) values ${tuples}`, values: b.flat() });
  }
});
await timed('unnest_1000', async (t) => {
  const text = `insert into ${t} (${columns}) select * from unnest(${types.map((ty, j) => `$${j + 1}::${ty}[]`).join(', ')})`;
  for (let k = 0; k < rows.length; k += 1000) {
    const b = rows.slice(k, k + 1000);
    await raw.query({ name: 'unnest', text, values: types.map((_ty, j) => b.map((r) => (r[j] === null ? null : String(r[j])))) });
  }
});
await timed('copy', async (t) => {
  async function* lines() {
    for (let k = 0; k < rows.length; k += 1000) {
      let s = '';
      for (const r of rows.slice(k, k + 1000)) s += `${r.map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`;
      yield s;
    }
  }
  await pipeline(Readable.from(lines()), raw.query(copyStreams.from(`copy ${t} (${columns}) from stdin`)));
});
await raw.end();
for (const name of ['foliolog_bench_push', 'foliolog_bench_raw']) await admin.query(`drop database ${name}`);
await admin.end();
