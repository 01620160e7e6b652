import { describe, expect, it } from 'vitest';
import { MIXES, randomScript } from '../../src/fuzz/index.js';
import { parsePolicy } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import { simulate } from '../../src/sim/index.js';

function run(lines: readonly string[], policy: string) {
  const r = simulate(parseScript(`${lines.join('\n')}\n`, 'zs.fl'), { policy: parsePolicy(policy) });
  expect(r.failure?.message).toBeUndefined();
  return r.observations;
}

describe('zeropage-scan', () => {
  it('frees the all-zero pages of large folios on `scan`, and `scan` does nothing without a scanner', () => {
    const lines = ['mount tmpfs huge=always', 'pwrite 0 2m', 'pwrite -S 0 1m 8k', 'scan', 'pread 1m 12k'];
    const six = run(lines, 'linux-6.18');
    expect(six[3]!.ret).toBe(0n);
    expect(six[3]!.folios).toEqual([[0, 9, 1]]);
    const zs = run(lines, 'zeropage-scan');
    // Pages 256 and 257 were written as zeros: the PMD folio is split and both freed.
    expect(zs[3]!.ret).toBe(2n);
    expect(zs[3]!.blocks).toBe((512n - 2n) * 8n);
    expect(zs[3]!.stats).toEqual({ '2048kB': { split: 1 } });
    expect(zs[3]!.folios.filter(([i]) => i >= 255 && i <= 258)).toEqual([[255, 0, 1], [258, 0, 1]]);
    expect(zs[4]!.data).toEqual([[0, 8192, 0], [8192, 4096, 205]]);
  });

  it('leaves a pinned folio and a fallocated one alone', () => {
    const zs = run(['mount tmpfs huge=always', 'pwrite -S 0 0 2m', 'mmap', 'pin 0 4k', 'falloc 2m 2m', 'scan'], 'zeropage-scan');
    expect(zs[5]!.ret).toBe(0n);
    expect(zs[5]!.folios).toEqual([[0, 9, 1], [512, 9, 0]]);
    expect(zs[5]!.stats).toEqual({ '2048kB': { split_failed: 1 } });
  });

  it('scans at the end of every N-th command with every=N', () => {
    const lines = ['mount tmpfs huge=always', 'pwrite -S 0 0 2m', 'pread 0 4k', 'pread 0 4k'];
    const zs = run(lines, 'zeropage-scan:every=3');
    expect(zs[1]!.blocks).toBe(4096n);
    // The third command ends with a pass: every page of the folio is zero.
    expect(zs[2]!.blocks).toBe(0n);
    expect(zs[2]!.stats).toEqual({ '2048kB': { split: 1 } });
    expect(() => parsePolicy('zeropage-scan:every=0')).toThrow(/every must be at least 1/);
  });

  it('never frees a page holding non-zero data: the byte model holds over 150 random scripts scanned every 2 commands', () => {
    let freedSome = 0;
    for (const mix of MIXES.filter((m) => m !== 'long')) {
      for (let seed = 1; seed <= 30; seed++) {
        const text = randomScript(mix, seed);
        const r = simulate(parseScript(text, `${mix}-${seed}.fl`), { policy: parsePolicy('zeropage-scan:every=2') });
        expect(r.failure?.message, `${mix} ${seed}`).toBeUndefined();
        const six = simulate(parseScript(text, `${mix}-${seed}.fl`));
        if (r.observations.some((o, k) => o.blocks < six.observations[k]!.blocks)) freedSome++;
      }
    }
    expect(freedSome).toBeGreaterThan(5);
  });
});
