import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, openStore } from '../../src/store/index.js';
import { CLOCK, meta, tempDir } from './_helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The store as `npm test` builds it (pretest), which child processes can load. */
const DIST_STORE = join(ROOT, 'dist/src/store/index.js');

/** A folder where the child script runs. */
function buildTree(out: string): void {
  if (!existsSync(DIST_STORE)) throw new Error(`${DIST_STORE} is missing: run the tests with npm test, which builds first`);
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }');
}

/**
 * The child: open the shared store, start a run, wait at a barrier (a ready file per child)
 * until every child has a run in flight, then write n events in batches, noting after each
 * batch how far the other runs had got.
 */
const CHILD = `
import { existsSync, writeFileSync } from 'node:fs';
import { openStore } from ${JSON.stringify(DIST_STORE)};
const [path, name, n, batch, peers] = process.argv.slice(2);
const store = await openStore(path, 'create');
const meta = ${JSON.stringify(meta())};
const w = store.beginRun({ ...meta, scriptName: name }, { now: () => new Date(0) }, { batchSize: Number(batch) });
w.file({ id: 1, name: 'f', mount: 1, kind: 'tmpfs' });
writeFileSync(path + '.ready-' + name, '');
const nap = new Int32Array(new SharedArrayBuffer(4));
for (let k = 0; peers.split(',').some((p) => !existsSync(path + '.ready-' + p)); k++) {
  if (k > 20000) process.exit(3);
  Atomics.wait(nap, 0, 0, 1);
}
const inFlight = (await store.listRuns()).filter((r) => r.status === 'incomplete').length;
const others = new Set();
for (let seq = 1; seq <= Number(n); seq++) {
  w.event({ seq, i: Math.floor(seq / 100), folio: null, event: 22, from: null, to: null, arg: BigInt(seq) * 4096n });
  if (seq % 100 === 99) w.operation({ i: Math.floor(seq / 100), line: 1, op: 'truncate', ret: 0n, size: 0n, blocks: 0n, stats: {}, file: 1 });
  if (seq % Number(batch) === 0) {
    const rows = await store.db.selectFrom('runs').select('events').where('id', '!=', w.runId).execute();
    others.add(rows.map((r) => r.events).join(','));
  }
}
process.stdout.write(JSON.stringify({ ...w.finish('complete'), inFlight, othersSeen: others.size }));
await store.close();
`;

function runChild(cwd: string, args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['child.mjs', ...args], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('concurrent writers', () => {
  const tmp = tempDir();
  beforeAll(() => {
    buildTree(tmp.dir);
    writeFileSync(join(tmp.dir, 'child.mjs'), CHILD);
  });
  afterAll(() => tmp.cleanup());

  it('three processes racing to create one fresh store, then writing a run each, all complete with distinct ids', async () => {
    const path = tmp.file('shared.db');
    const n = 60_000;
    const names = ['a.fl', 'b.fl', 'c.fl'];
    const results = await Promise.all(names.map((name) => runChild(tmp.dir, [path, name, String(n), '500', names.join(',')])));
    for (const r of results) expect(r.code, r.err).toBe(0);
    const summaries = results.map((r) => JSON.parse(r.out) as { runId: number; events: number; inFlight: number; othersSeen: number });
    expect(new Set(summaries.map((s) => s.runId)).size).toBe(3);
    expect(summaries.map((s) => s.inFlight)).toEqual([3, 3, 3]);
    // How many distinct states of the other runs each child saw between its own batches.
    console.log(`concurrent writers: other runs' progress seen per child ${summaries.map((s) => s.othersSeen).join(', ')}`);
    const store = await openStore(path, 'create');
    const runs = await store.listRuns();
    expect(runs.map((r) => [r.status, r.events, r.ops])).toEqual(Array(3).fill(['complete', n, 600]));
    expect((await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(store.db)).rows[0]?.n).toBe(Object.keys(await loadMigrations()).length);
    expect((await sql<{ n: number }>`select count(*) as n from events`.execute(store.db)).rows[0]?.n).toBe(3 * n);
    await store.close();
  });

  it('two stores on two connections in one process interleave their batches', async () => {
    const path = tmp.file('alternating.db');
    const [s1, s2] = [await openStore(path, 'create'), await openStore(path, 'create')];
    const w1 = s1.beginRun(meta('one.fl'), CLOCK, { batchSize: 100 });
    const w2 = s2.beginRun(meta('two.fl'), CLOCK, { batchSize: 100 });
    for (let seq = 1; seq <= 5000; seq++) {
      for (const w of [w1, w2]) w.event({ seq, i: 0, folio: null, event: 22, from: null, to: null, arg: seq });
    }
    const [a, b] = [w1.finish('complete'), w2.finish('complete')];
    expect(a.hash).toBe(b.hash);
    expect(a.runId).not.toBe(b.runId);
    expect((await s1.listRuns()).map((r) => [r.status, r.events])).toEqual([['complete', 5000], ['complete', 5000]]);
    await Promise.all([s1.close(), s2.close()]);
  });
});
