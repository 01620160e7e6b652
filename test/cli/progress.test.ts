import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

/** `main` with a progress factory that keeps what the bar was told. */
async function runWithProgress(args: string[]): Promise<{ code: number; made: Array<{ total: number; label: string; ticks: number[]; stops: number }> }> {
  const made: Array<{ total: number; label: string; ticks: number[]; stops: number }> = [];
  const code = await main(args, {
    stdout: { write: () => {} }, stderr: { write: () => {} }, now: () => new Date(),
    progress: (total, label) => {
      const p = { total, label, ticks: [] as number[], stops: 0 };
      made.push(p);
      return { tick: (n) => void p.ticks.push(n), stop: () => void p.stops++ };
    },
  });
  return { code, made };
}

describe('the progress bar of run', () => {
  it('counts every command of the table output and stops once', async () => {
    const script = t.file('p.fl', 'mount tmpfs huge=always\npwrite 0 2m\nfpunch 1m 64k\nseek -h 0\n');
    const r = await runWithProgress(['run', script, '--db', t.file('s.db')]);
    expect(r.code).toBe(0);
    expect(r.made).toEqual([{ total: 4, label: 'run', ticks: [1, 2, 3, 4], stops: 1 }]);
  });

  it('shows nothing with --json', async () => {
    const r = await runWithProgress(['run', t.file('p.fl', 'mount tmpfs\npwrite 0 4k\n'), '--db', t.file('s.db'), '--json']);
    expect(r.code).toBe(0);
    expect(r.made).toEqual([]);
  });
});
