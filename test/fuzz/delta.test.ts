import { describe, expect, it } from 'vitest';
import { shrinkLines } from '../../src/fuzz/index.js';

describe('shrinkLines', () => {
  it('keeps only the lines a failure needs, in their order', async () => {
    const lines = Array.from({ length: 30 }, (_, n) => `c${n}`);
    const fails = async (ls: readonly string[]): Promise<boolean> => ls.includes('c3') && ls.includes('c17') && ls.indexOf('c3') < ls.indexOf('c17');
    expect(await shrinkLines(lines, fails)).toEqual(['c3', 'c17']);
  });

  it('drops the trailing lines after the last one needed', async () => {
    const asked: number[] = [];
    const fails = async (ls: readonly number[]): Promise<boolean> => { asked.push(ls.length); return ls.includes(4); };
    expect(await shrinkLines([0, 1, 2, 3, 4, 5, 6], fails)).toEqual([4]);
    expect(asked.slice(0, 3)).toEqual([6, 5, 4]);
  });

  it('asks no more than its budget and returns the smallest failing list found', async () => {
    let asked = 0;
    const r = await shrinkLines([1, 2, 3, 4, 5, 6, 7, 8], async (ls) => { asked++; return ls.length >= 6; }, 3);
    expect(asked).toBe(3);
    expect(r).toHaveLength(6);
  });

  it('keeps a list whose every line is needed', async () => {
    const all = ['a', 'b', 'c'];
    expect(await shrinkLines(all, async (ls) => ls.length === 3)).toEqual(all);
  });
});
