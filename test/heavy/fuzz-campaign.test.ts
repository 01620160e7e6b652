import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUG_NAMES } from '../../src/model/index.js';
import { cli, tempDir } from '../cli/_cli.js';

/**
 * Issue 9's campaigns: each bug switch found within seeds 1..1000 and shrunk to at most 10
 * operations, its reproducer replayed 100 times with the same failure and event-log hash; and
 * 100,000 fuzzed operations without a switch that find nothing.
 */
let t: ReturnType<typeof tempDir>;
beforeAll(() => { t = tempDir(); });
afterAll(() => t.cleanup());

/** The event-log hash `run` prints on stderr. */
function hashOf(stderr: string): string {
  return /event-log sha256 ([0-9a-f]{64})/.exec(stderr)?.[1] ?? 'none';
}

describe('fuzz campaigns', () => {
  it.each(BUG_NAMES)('finds --bug %s within seeds 1..1000, shrinks it to at most 10 operations, and it replays identically 100 times', async (bug) => {
    const db = join(t.dir, `${bug}.db`);
    const r = await cli('fuzz', '--bug', bug, '--seeds', '1..1000', '--db', db, '--out', join(t.dir, bug), '--json');
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as { failure: { seed: number; after: number; command: string; message: string } }).failure;
    console.log(`--bug ${bug}: seed ${f.seed}, ${f.after} operations: ${f.command}`);
    expect(f.after).toBeLessThanOrEqual(10);
    const argv = f.command.replace(/^foliolog /, '').split(' ');
    const seen = new Set<string>();
    for (let k = 0; k < 100; k++) {
      const again = await cli(...argv, '--db', db);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(f.message);
      seen.add(hashOf(again.stderr));
    }
    expect([...seen]).toHaveLength(1);
    expect([...seen][0]).not.toBe('none');
  }, 600_000);

  it('finds nothing in 100,000 fuzzed operations without a bug switch', async () => {
    const r = await cli('fuzz', '--seeds', '1..5000', '--ops', '20', '--db', join(t.dir, 'none.db'), '--out', t.dir, '--json');
    const j = JSON.parse(r.stdout) as { seeds: number; ops: number; failure: unknown };
    expect(j.failure).toBeNull();
    expect(r.code).toBe(0);
    expect(j.ops).toBeGreaterThanOrEqual(100_000);
  }, 1_200_000);
});
