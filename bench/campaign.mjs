// Fuzz campaign and local-worker throughput (issue 13, item 4). Run after `npm run build`:
//
//   node bench/campaign.mjs campaign [SEEDS] [OPS]   # default 10000 seeds, 10 ops, --bug fault-during-punch
//   node bench/campaign.mjs jobs [SEEDS] [OPS]       # fuzz --jobs 1 and --jobs 2, default 2000 seeds, 10 ops
//
// `campaign` starts a throwaway PostgreSQL cluster (initdb into a temporary folder, Unix socket
// only; as root it runs as user postgres), enqueues SEEDS seeds of OPS commands with the default
// chunk and lease (30 s), starts three `foliolog worker`s, kills one with SIGKILL while it holds a
// chunk (once it has taken its third), lets the two others run with --until-done, and reports the
// wall time from enqueue to the end, how long the killed worker's chunk waited before another
// worker took it, `campaign --json`, and whether every seed is in exactly one recorded chunk.
// `jobs` runs `fuzz --seeds 1..SEEDS --ops OPS --json` with --jobs 1 and --jobs 2 (no failure:
// no bug switch) and reports seeds/s and ops/s, after timing a busy loop on 1 and 2 threads (on a
// shared machine, how many cores are really free). The cluster is stopped and removed at the end.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';

const BIN = resolve(import.meta.dirname, '../dist/src/cli/bin.js');
const [mode = 'campaign', seedsArg, opsArg] = process.argv.slice(2);

function pgBin() {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/bin'];
  if (existsSync('/usr/lib/postgresql')) {
    dirs.push(...readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  const d = dirs.find((x) => ['initdb', 'pg_ctl', 'postgres'].every((f) => existsSync(join(x, f))));
  if (!d) throw new Error('no PostgreSQL binaries (initdb, pg_ctl)');
  return d;
}

async function startCluster() {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-bench-pg-'));
  const root = process.getuid?.() === 0;
  const as = (cmd, args) => execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  const user = root ? 'postgres' : execFileSync('id', ['-un']).toString().trim();
  as(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', user, '--no-sync', '--no-instructions']);
  const stop = () => {
    try { as(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']); } catch { /* not running */ }
    rmSync(dir, { recursive: true, force: true });
  };
  as(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-k ${dir} -c listen_addresses=''`, 'start']);
  try {
    const admin = new pg.Client({ connectionString: `postgres://${user}@/postgres?host=${dir}` });
    await admin.connect();
    await admin.query('create database bench');
    await admin.end();
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `postgres://${user}@/bench?host=${dir}`, stop };
}

function foliolog(...args) {
  return execFileSync(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** A worker process; `lines` holds its stderr lines with the ms since `t0` they arrived at. */
function worker(url, t0, ...args) {
  const child = spawn(process.execPath, [BIN, 'worker', '--db', url, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = [];
  let rest = '';
  const listeners = [];
  child.stderr.on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop();
    for (const text of parts) {
      lines.push({ at: Date.now() - t0, text });
      for (const l of listeners) l(text);
    }
  });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, lines, exited, onLine: (f) => listeners.push(f) };
}

async function campaign(url) {
  const seeds = Number(seedsArg ?? 10000);
  const ops = Number(opsArg ?? 10);
  const t0 = Date.now();
  console.log(foliolog('fuzz', '--campaign', 'bench', '--seeds', `1..${seeds}`, '--ops', String(ops), '--bug', 'fault-during-punch', '--db', url).trim());
  const victim = worker(url, t0, '--campaign', 'bench');
  let taken = 0;
  let lost;
  let killedAt;
  victim.onLine((text) => {
    const m = /chunk (\d+) \(seeds \d+\.\.\d+\): taken/.exec(text);
    if (m && ++taken === 3) {
      victim.child.kill('SIGKILL');
      killedAt = Date.now() - t0;
      lost = Number(m[1]);
    }
  });
  const others = [worker(url, t0, '--campaign', 'bench', '--until-done'), worker(url, t0, '--until-done')];
  await victim.exited;
  console.log(`killed worker ${victim.child.pid} with SIGKILL at ${(killedAt / 1000).toFixed(1)} s, holding chunk ${lost}`);
  const ends = await Promise.all(others.map((w) => w.exited));
  const wall = (Date.now() - t0) / 1000;
  const retaken = others.flatMap((w) => w.lines).find((l) => l.text.includes(`chunk ${lost} (`) && l.text.endsWith(': taken'));
  console.log(`workers exited ${JSON.stringify(ends)}; campaign done in ${wall.toFixed(1)} s wall (enqueue to last worker's exit)`);
  console.log(`chunk ${lost} taken again ${retaken ? ((retaken.at - killedAt) / 1000).toFixed(1) : '?'} s after the kill`);
  const status = JSON.parse(foliolog('campaign', 'bench', '--db', url, '--json'));
  console.log(foliolog('campaign', 'bench', '--db', url));
  const ok = status.seeds === status.done + status.failed && status.in_flight === 0;
  console.log(`seeds ${status.seeds} = done ${status.done} + failed ${status.failed}, in flight ${status.in_flight}: ${ok ? 'ok' : 'WRONG'}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [c] } = await client.query(`select count(*)::int as chunks, count(distinct chunk)::int as distinct_chunks,
        sum(last_seed - first_seed + 1)::int as seeds, sum(passed + failed)::int as counted,
        bool_and(passed + failed = last_seed - first_seed + 1) as whole,
        (select count(*)::int from campaign_failures) as failures, sum(failed)::int as failed,
        (select count(*)::int from campaign_chunks a join campaign_chunks b
           on a.chunk < b.chunk and a.first_seed <= b.last_seed and b.first_seed <= a.last_seed) as overlaps
      from campaign_chunks`);
    const once = c.chunks === c.distinct_chunks && c.seeds === seeds && c.counted === seeds && c.whole && c.overlaps === 0 && c.failures === c.failed;
    console.log(`campaign_chunks: ${JSON.stringify(c)}: every seed counted exactly once: ${once ? 'yes' : 'NO'}`);
  } finally {
    await client.end();
  }
}

/** Wall time of `n` worker threads each spinning the same loop: how many cores this machine gives us now. */
async function spin(n) {
  const code = 'let x = 0; for (let i = 0; i < 3e8; i++) x += i;';
  const t = Date.now();
  await Promise.all(Array.from({ length: n }, () => new Promise((r) => new Worker(code, { eval: true }).on('exit', r))));
  return Date.now() - t;
}

async function jobs() {
  const [one, two] = [await spin(1), await spin(2)];
  console.log(`calibration: a busy loop takes ${one} ms on 1 thread, ${two} ms on each of 2: ${(2 * one / two).toFixed(2)} cores free`);
  const seeds = Number(seedsArg ?? 2000);
  const ops = Number(opsArg ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-bench-jobs-'));
  try {
    for (const n of [1, 2]) {
      const t = process.hrtime.bigint();
      const out = JSON.parse(foliolog('fuzz', '--seeds', `1..${seeds}`, '--ops', String(ops), '--jobs', String(n), '--json', '--db', join(dir, `${n}.db`)));
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      console.log(`fuzz --jobs ${n}: ${out.seeds} seeds, ${out.ops} ops in ${s.toFixed(2)} s: ${(out.seeds / s).toFixed(1)} seeds/s, ${(out.ops / s).toFixed(0)} ops/s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (mode === 'jobs') {
  await jobs();
} else {
  const cluster = await startCluster();
  try {
    console.log(`cluster: ${cluster.url}`);
    await campaign(cluster.url);
  } finally {
    cluster.stop();
  }
}
