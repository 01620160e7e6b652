// What recording explanations costs (migration 0004): time of `foliolog run --json --no-check`
// on a 40,000-command script, and bytes per event of the store after a WAL checkpoint, for two
// builds — one without explanations (BASE) and this one — run alternately. Also the simulator
// alone (no store), with and without a DecisionSink, to show the model pays nothing without one.
//
//   npm run build
//   node bench/explain-overhead.mjs [BASE_ROOT] [ROUNDS]
//
// BASE_ROOT is a built checkout of the commit before explanations (its dist/); without it, only
// this build is measured. The script is the conformance corpus, comments dropped, repeated in
// file order until 40,000 commands.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const HERE = resolve(import.meta.dirname, '..');
const base = process.argv[2] ? resolve(process.argv[2]) : undefined;
const rounds = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'foliolog-bench-'));

function script(n) {
  const corpus = join(HERE, 'test/conformance');
  const lines = [];
  const files = readdirSync(corpus).filter((f) => /^\d{3}-.*\.fl$/.test(f)).sort();
  while (lines.length < n) {
    for (const f of files) {
      for (const l of readFileSync(join(corpus, f), 'utf8').split('\n')) {
        const t = l.replace(/#.*/, '').trim();
        if (t) lines.push(t);
      }
    }
  }
  return `${lines.slice(0, n).join('\n')}\n`;
}

const path = join(dir, 'bench.fl');
writeFileSync(path, script(40_000));

function runOnce(root, label) {
  const db = join(dir, `${label}.db`);
  rmSync(db, { force: true });
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'dist/src/cli/bin.js'), 'run', path, '--json', '--no-check', '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  const sqlite = new BetterSqlite3(db);
  sqlite.pragma('wal_checkpoint(truncate)');
  const { events } = sqlite.prepare('select events from runs').get();
  const table = sqlite.prepare("select name from sqlite_master where name = 'explanations'").get();
  const explained = table ? sqlite.prepare("select sum(pgsize) as b from dbstat where name = 'explanations'").get().b : 0;
  const hash = sqlite.prepare('select event_hash from runs').get().event_hash;
  sqlite.close();
  const bytes = statSync(db).size;
  rmSync(db, { force: true });
  return { seconds, events, bytes, explained, hash };
}

const builds = base ? [['base', base], ['this', HERE]] : [['this', HERE]];
const results = Object.fromEntries(builds.map(([label]) => [label, []]));
for (let k = 0; k < rounds; k++) for (const [label, root] of builds) results[label].push(runOnce(root, label));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [label] of builds) {
  const rs = results[label];
  const { events, bytes, explained, hash } = rs[0];
  console.log(`${label}: run --json --no-check median ${median(rs.map((r) => r.seconds)).toFixed(2)} s `
    + `(${rs.map((r) => r.seconds.toFixed(2)).join(', ')}); ${events} events; ${bytes} B file = ${(bytes / events).toFixed(2)} B/event; `
    + `explanations ${explained} B = ${(explained / events).toFixed(2)} B/event; event-log sha256 ${hash}`);
}

// The simulator alone, no store, each configuration in a fresh process (one heap each).
function simulateOnce(root, sink) {
  const code = `
    const { readFileSync } = await import('node:fs');
    const { parseScript } = await import(${JSON.stringify(join(root, 'dist/src/script/index.js'))});
    const { simulate } = await import(${JSON.stringify(join(root, 'dist/src/sim/index.js'))});
    const parsed = parseScript(readFileSync(${JSON.stringify(path)}, 'utf8'), 'bench.fl');
    const recorder = { file() {}, event() {}, operation() {}, ...(${sink} ? { explanation() {} } : {}) };
    const t = process.hrtime.bigint();
    simulate(parsed, { check: false, recorder });
    console.log(Number(process.hrtime.bigint() - t) / 1e9);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}
const sims = [...(base ? [['base', base, false]] : []), ['this, no DecisionSink', HERE, false], ['this, DecisionSink', HERE, true]];
const simTimes = Object.fromEntries(sims.map(([label]) => [label, []]));
for (let k = 0; k < rounds; k++) for (const [label, root, sink] of sims) simTimes[label].push(simulateOnce(root, sink));
for (const [label] of sims) {
  const times = simTimes[label];
  console.log(`simulate (${label}): median ${median(times).toFixed(2)} s (${times.map((t) => t.toFixed(2)).join(', ')})`);
}
rmSync(dir, { recursive: true, force: true });
