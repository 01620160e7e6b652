import { describe, expect, it } from 'vitest';
import { Fuzzer, randomScript } from '../../src/fuzz/index.js';
import { parsePolicy } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import { simulate } from '../../src/sim/index.js';

/** Run `lines` under `policy`; the observations by line text. */
function run(lines: readonly string[], policy: string) {
  const r = simulate(parseScript(`${lines.join('\n')}\n`, 'fr.fl'), { policy: parsePolicy(policy) });
  expect(r.failure).toBeUndefined();
  return r.observations;
}

/** A PMD folio pinned at page 0, its second half punched (the split fails), reclaimed, unpinned, reclaimed. */
const PINNED = ['mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 0 4k', 'fpunch 1m 1m', 'reclaim', 'unpin', 'reclaim'];

describe('flag-reclaim', () => {
  it('frees what a failed punch meant to free once the pin is gone, where 6.18 keeps it to the end', () => {
    const six = run([...PINNED, 'pread 1m 4k'], 'linux-6.18');
    const flag = run([...PINNED, 'pread 1m 4k'], 'flag-reclaim');
    // The punch: the same under both (zeroed, kept, split_failed).
    expect(flag[4]).toEqual(six[4]);
    expect(flag[4]!.stats).toEqual({ '2048kB': { split_failed: 1 } });
    // Reclaim while pinned: the candidate's split fails again and it stays.
    expect(six[5]!.stats).toEqual({});
    expect(flag[5]!.stats).toEqual({ '2048kB': { split_failed: 1 } });
    expect(flag[5]!.blocks).toBe(4096n);
    // Reclaim once unpinned: split, and pages 256..511 freed.
    expect(six[7]!.blocks).toBe(4096n);
    expect(flag[7]!.stats).toEqual({ '2048kB': { split: 1 } });
    expect(flag[7]!.blocks).toBe(2048n);
    expect(flag[7]!.folios).toEqual(Array.from({ length: 256 }, (_, k) => [k, 0, 1]));
    expect(flag[8]!.data).toEqual([[0, 4096, 0]]);
  });

  it('keeps a page of the punched range that was written again before the reclaim', () => {
    const lines = [...PINNED.slice(0, 5), 'pwrite -S 7 1100k 1', 'unpin', 'reclaim', 'pread 1100k 1'];
    const flag = run(lines, 'flag-reclaim');
    // Page 275 holds the byte: kept; the other 255 pages of the range are freed.
    expect(flag[7]!.blocks).toBe((256n + 1n) * 8n);
    expect(flag[7]!.folios).toContainEqual([275, 0, 1]);
    expect(flag[8]!.data).toEqual([[0, 1, 7]]);
  });

  it('frees the flagged pages after a later punch split the candidate: its large pieces become candidates', () => {
    // The failed punch flags pages 256..511; after the unpin, a punch of page 8 splits the folio
    // non-uniformly around it, leaving the flagged pages in an order-8 piece.
    const lines = [...PINNED.slice(0, 5), 'unpin', 'fpunch 32k 4k', 'reclaim', 'pread 1m 1m'];
    const six = run(lines, 'linux-6.18');
    const flag = run(lines, 'flag-reclaim');
    expect(flag[6]!.folios).toContainEqual([256, 8, 1]);
    expect(six[7]!.folios).toContainEqual([256, 8, 1]);
    // The reclaim retries the piece, splits it and frees its 256 pages; 6.18 keeps them.
    expect(flag[7]!.stats).toEqual({ '1024kB': { split: 1 } });
    expect(flag[7]!.folios.filter(([i]) => i >= 256)).toEqual([]);
    expect(six[7]!.blocks - flag[7]!.blocks).toBe(256n * 8n);
    expect(flag[8]!.data).toEqual([[0, 1048576, 0]]);
  });

  it('holds the oracle and the invariants over 100 random scripts of pins, punches, truncates and reclaims', () => {
    let reclaimed = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const r = simulate(parseScript(randomScript('pins', seed), `pins-${seed}.fl`), { policy: parsePolicy('flag-reclaim') });
      expect(r.failure?.message).toBeUndefined();
      const six = simulate(parseScript(randomScript('pins', seed), `pins-${seed}.fl`));
      // Never more resident than 6.18 after any command, and less at least once in some scripts.
      r.observations.forEach((o, k) => expect(o.blocks).toBeLessThanOrEqual(six.observations[k]!.blocks));
      if (r.observations.some((o, k) => o.blocks < six.observations[k]!.blocks)) reclaimed++;
    }
    expect(reclaimed).toBeGreaterThan(0);
  });

  it('holds the oracle and the invariants over 150 fuzzed race scripts', () => {
    const f = new Fuzzer({ seeds: [1, 150], ops: 20, tasks: 2, bugs: [], policy: parsePolicy('flag-reclaim') });
    while (f.step());
    expect(f.found?.trial.failure.message).toBeUndefined();
    expect(f.seeds).toBe(150);
  });
});
