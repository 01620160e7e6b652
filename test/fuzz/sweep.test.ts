import { describe, expect, it } from 'vitest';
import { Fuzzer, Sweep } from '../../src/fuzz/index.js';

describe('Sweep', () => {
  it('runs every seed of the range, counting each as passed or failed as Fuzzer would', () => {
    const o = { seeds: [120, 140] as const, ops: 10, tasks: 2, bugs: ['fault-during-punch' as const] };
    const s = new Sweep(o);
    while (s.step());
    expect(s.found.map((f) => f.seed)).toEqual([128]);
    expect(s.passed).toBe(20);
    const f = new Fuzzer(o);
    while (f.step());
    expect(f.found?.seed).toBe(128);
    expect(s.found[0]!.trial.failure).toEqual(f.found!.trial.failure);
  });
});
