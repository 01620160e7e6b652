import { describe, expect, it } from 'vitest';
import { formatPolicy, parsePolicy, policyForBugs, policyOf, withPolicy } from '../../src/model/index.js';

describe('policy specs', () => {
  it('parses one policy or several joined by +, and prints them back as runs.policy records them', () => {
    expect(parsePolicy('linux-6.18')).toEqual([{ name: 'linux-6.18', params: {} }]);
    expect(formatPolicy(parsePolicy('per-block'))).toBe('per-block');
    expect(formatPolicy(parsePolicy('per-block+flag-reclaim'))).toBe('per-block+flag-reclaim');
    expect(parsePolicy('per-block+zeropage-scan:every=8')).toEqual([{ name: 'per-block', params: {} }, { name: 'zeropage-scan', params: { every: 8 } }]);
  });

  it.each([
    ['zero-scan', /unknown policy zero-scan \(known: linux-6\.18, per-block, flag-reclaim, zeropage-scan\)/],
    ['zeropage-scan:every=0', /zeropage-scan: every must be at least 1/],
    ['', /unknown policy ""/],
    ['per-block:every=8', /per-block: unknown parameter "every=8" \(it takes none\)/],
    ['per-block+per-block', /named twice/],
    ['linux-6.18+per-block', /combines with no other policy/],
  ])('refuses %j, naming what is wrong', (text, msg) => {
    expect(() => parsePolicy(text)).toThrow(msg);
  });

  it('adds per-block for the switch that needs it, in place of linux-6.18, and only then', () => {
    const base = parsePolicy('linux-6.18');
    expect(formatPolicy(policyForBugs(base, ['fault-clears-partial']))).toBe('per-block');
    expect(formatPolicy(policyForBugs(base, ['punch-no-zero']))).toBe('linux-6.18');
    expect(withPolicy(parsePolicy('per-block'), 'per-block')).toHaveLength(1);
  });

  it('gives each run its own per-block state under per-block, and none under linux-6.18', () => {
    const a = policyOf(parsePolicy('per-block'));
    expect(a.perBlock).toBeDefined();
    expect(policyOf(parsePolicy('per-block')).perBlock).not.toBe(a.perBlock);
    expect(policyOf(parsePolicy('linux-6.18')).perBlock).toBeUndefined();
  });
});
