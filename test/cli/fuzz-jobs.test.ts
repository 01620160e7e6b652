import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cli, tempDir } from './_cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** `fuzz --json` of the built CLI (worker threads load the compiled thread module), its reproducer folder named OUT. */
function fuzz(jobs: number, ...args: string[]): Promise<{ code: number | null; json: string }> {
  const out = tmp.file(`out${jobs}`);
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'fuzz', '--json', '--jobs', String(jobs), '--out', out, '--db', tmp.file(`s${jobs}.db`), ...args],
      (e, stdout) => resolve({ code: e === null ? 0 : (e.code as number), json: stdout.split(out).join('OUT') }));
  });
}

describe('fuzz --jobs', () => {
  it('finds the same lowest failing seed, with the same counts, on 2 threads as on 1', async () => {
    // Seed 11 fails, in the second block of ten seeds: the first must finish before it wins.
    const args = ['--seeds', '1..80', '--ops', '50', '--bug', 'fault-during-punch'];
    const [one, two] = await Promise.all([fuzz(1, ...args), fuzz(2, ...args)]);
    expect(one.code).toBe(1);
    expect(two).toEqual(one);
    expect(JSON.parse(one.json)).toMatchObject({ seeds: 11, failure: { seed: 11, script: 'OUT/repro-fault-during-punch-11.fl' } });
  });

  it('refuses a number of jobs out of range (exit 2, one line)', async () => {
    expect(await cli('fuzz', '--jobs', '0', '--db', tmp.file('x.db'))).toEqual({
      code: 2, stdout: '', stderr: 'foliolog: --jobs: not an integer in 1..256: 0\n' });
  });
});
