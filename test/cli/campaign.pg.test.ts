import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PG_SKIP, usePostgres } from '../store/_pg.js';
import { BIN, cli, tempDir } from './_cli.js';

if (PG_SKIP !== undefined) console.warn(PG_SKIP);

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** A `foliolog worker` process: its exit, and its stderr so far. */
interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Resolves once stderr matches `re`. */
  waitFor(re: RegExp): Promise<void>;
}

function worker(url: string, ...args: string[]): Worker {
  const child = spawn(process.execPath, [BIN, 'worker', '--db', url, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const waiters: Array<{ re: RegExp; done: () => void }> = [];
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.filter((x) => x.re.test(err))) { waiters.splice(waiters.indexOf(w), 1); w.done(); }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child, exited, stderr: () => err,
    waitFor: (re) => (re.test(err) ? Promise.resolve() : new Promise<void>((done) => { waiters.push({ re, done }); })),
  };
}

/** One SQL query's rows on the store. */
async function rows<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('campaign commands refuse bad input with one line, exit 2', () => {
  it('refuses a SQLite store for fuzz --campaign, worker and campaign', async () => {
    const db = tmp.file('x.db');
    expect(await cli('fuzz', '--campaign', 'c', '--db', db)).toEqual({
      code: 2, stdout: '', stderr: `foliolog: fuzz --campaign needs a PostgreSQL store (--db postgres://...), not ${db}\n` });
    expect(await cli('worker', '--db', db)).toEqual({
      code: 2, stdout: '', stderr: `foliolog: worker needs a PostgreSQL store (--db postgres://...), not ${db}\n` });
    expect(await cli('campaign', 'c', '--db', db)).toEqual({
      code: 2, stdout: '', stderr: `foliolog: campaign needs a PostgreSQL store (--db postgres://...), not ${db}\n` });
  });

  it('refuses the campaign options without --campaign, and --jobs with it', async () => {
    const db = tmp.file('x.db');
    expect(await cli('fuzz', '--chunk', '10', '--db', db)).toEqual({ code: 2, stdout: '', stderr: 'foliolog: --chunk needs --campaign\n' });
    expect(await cli('fuzz', '--expire', '10', '--db', db)).toEqual({ code: 2, stdout: '', stderr: 'foliolog: --expire needs --campaign\n' });
    expect(await cli('fuzz', '--campaign', 'c', '--jobs', '2', '--db', db)).toEqual({
      code: 2, stdout: '', stderr: 'foliolog: --jobs does not go with --campaign: start more workers\n' });
  });

  it('refuses a name that is not one', async () => {
    expect(await cli('fuzz', '--campaign', 'a b', '--db', 'postgres://me@/x')).toMatchObject({
      code: 2, stderr: "foliolog: --campaign: not a campaign name (letters, digits, '.', '_', '-'; at most 64): a b\n" });
  });
});

describe.skipIf(PG_SKIP !== undefined)('fuzz campaigns over workers', () => {
  const cluster = usePostgres();

  it('refuses a campaign name taken, and an unknown campaign (exit 2, one line)', async () => {
    const url = await cluster.database();
    const made = await cli('fuzz', '--campaign', 'c', '--seeds', '1..10', '--db', url, '--json');
    expect(made).toMatchObject({ code: 0, stdout: '{"campaign":"c","seeds":10,"chunks":1,"chunk":100}\n' });
    expect(await cli('fuzz', '--campaign', 'c', '--seeds', '1..10', '--db', url)).toEqual({
      code: 2, stdout: '', stderr: `foliolog: campaign c exists already in ${url}: pick another name\n` });
    expect(await cli('campaign', 'nope', '--db', url)).toEqual({ code: 2, stdout: '', stderr: `foliolog: no campaign nope in ${url}\n` });
    expect(await cli('worker', '--campaign', 'nope', '--db', url)).toEqual({ code: 2, stdout: '', stderr: `foliolog: no campaign nope in ${url}\n` });
    expect(JSON.parse((await cli('campaign', 'c', '--db', url, '--json')).stdout))
      .toEqual({ campaign: 'c', seeds: 10, done: 0, failed: 0, in_flight: 0, workers: [], failures: [] });
  });

  it('counts every seed once when a worker is killed mid-chunk, and its failure replays from the store', async () => {
    const url = await cluster.database();
    const made = await cli('fuzz', '--campaign', 'k', '--seeds', '1..300', '--ops', '10', '--bug', 'fault-during-punch', '--chunk', '20',
      '--expire', '5', '--db', url);
    expect(made.code).toBe(0);
    const victim = worker(url, '--campaign', 'k');
    await victim.waitFor(/chunk \d+ \(seeds \d+\.\.\d+\): taken/);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const lost = Number(/chunk (\d+) \(seeds \d+\.\.\d+\): taken/.exec(victim.stderr())![1]);
    const mid = JSON.parse((await cli('campaign', 'k', '--db', url, '--json')).stdout) as { in_flight: number };
    expect(mid.in_flight).toBe(20);
    const others = [worker(url, '--until-done'), worker(url, '--campaign', 'k', '--until-done')];
    for (const w of others) expect((await w.exited).code, w.stderr()).toBe(0);
    const status = JSON.parse((await cli('campaign', 'k', '--db', url, '--json')).stdout) as Record<string, unknown> & {
      workers: Array<{ worker: string; seeds: number; ops_per_second: number }>; failures: Array<{ seed: number; check: string; command: string }>;
    };
    expect(status).toMatchObject({ campaign: 'k', seeds: 300, done: 299, failed: 1, in_flight: 0 });
    expect(status.workers.map((w) => w.seeds).reduce((a, b) => a + b)).toBe(300);
    expect(status.workers.every((w) => !w.worker.endsWith(`:${victim.child.pid}`) && w.ops_per_second > 0)).toBe(true);
    // Every seed in exactly one recorded chunk; the killed worker's chunk run by another.
    const chunks = await rows<{ chunk: number; first_seed: string; last_seed: string; passed: number; failed: number }>(url,
      'select chunk, first_seed, last_seed, passed, failed from campaign_chunks order by first_seed');
    expect(chunks.map((c) => [Number(c.first_seed), Number(c.last_seed)])).toEqual(Array.from({ length: 15 }, (_, k) => [20 * k + 1, 20 * k + 20]));
    expect(chunks.every((c) => c.passed + c.failed === 20)).toBe(true);
    expect(chunks.map((c) => c.chunk)).toContain(lost);
    // The failure: recorded as a failed run of the store, its reproducer out of the store into a fresh folder, replayed.
    expect(status.failures).toEqual([expect.objectContaining({ seed: 128, check: 'punch-empties-range' })]);
    const fresh = tempDir();
    try {
      const out = JSON.parse((await cli('campaign', 'k', '--db', url, '--json', '--out', fresh.file('repros'))).stdout) as typeof status;
      const command = out.failures[0]!.command;
      expect(command).toBe(`foliolog run ${fresh.dir}/repros/repro-fault-during-punch-128.fl --bug fault-during-punch `
        + `--schedule ${fresh.dir}/repros/repro-fault-during-punch-128.schedule`);
      const replay = await cli(...command.split(' ').slice(1), '--db', fresh.file('replay.db'));
      expect(replay.code).toBe(1);
      expect(replay.stderr).toContain('check punch-empties-range failed');
    } finally {
      fresh.cleanup();
    }
    // (Twice, were the chunk to outlive its lease on a loaded machine: counted once all the same.)
    const runs = JSON.parse((await cli('runs', '--db', url, '--json')).stdout) as Array<{ status: string; id: number }>;
    expect(runs.every((r) => r.status === 'failed')).toBe(true);
    expect(runs.map((r) => r.id)).toContain((status.failures[0] as unknown as { run: number }).run);
  });

  it('gives its chunk back on SIGTERM and exits 143', async () => {
    const url = await cluster.database();
    await cli('fuzz', '--campaign', 't', '--seeds', '1..400', '--ops', '10', '--chunk', '400', '--db', url);
    const w = worker(url, '--campaign', 't');
    await w.waitFor(/: taken/);
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(143);
    expect(w.stderr()).toMatch(/t chunk 0 \(seeds 1\.\.400\): given back\n.*stopped\n$/);
    const status = JSON.parse((await cli('campaign', 't', '--db', url, '--json')).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ seeds: 400, done: 0, failed: 0, in_flight: 0 });
    expect(await rows(url, "select state from foliolog_queue.job where state = 'retry'")).toHaveLength(1);
  });

  it('fuzz records its reproducer in a PostgreSQL store, through a SQLite file', async () => {
    const url = await cluster.database();
    const r = await cli('fuzz', '--seeds', '120..130', '--ops', '10', '--bug', 'fault-during-punch', '--out', tmp.dir, '--db', url, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ failure: { seed: 128, run: 1 } });
    expect(JSON.parse((await cli('runs', '--db', url, '--json')).stdout)).toEqual([expect.objectContaining({ id: 1, status: 'failed' })]);
  });
});
