import { describe, expect, it } from 'vitest';
import { ObservationTable } from '../../src/report/index.js';

describe('ObservationTable', () => {
  const lines = [{ line: 1, op: 'mount tmpfs' }, { line: 2, op: 'fpunch 0 2m', task: 'A' }, { line: 3, op: 'mread 0 8k', task: 'B' }];
  const rec = { i: 1, line: 2, op: 'fpunch 0 2m', ret: 0n, stats: {}, size: 2097152n, blocks: 0n };

  it("shows a task's line with its prefix as written; `op` itself carries none", () => {
    const t = new ObservationTable(lines);
    expect(t.row({ ...rec, task: 'A' }, [])).toMatch(/^1 {2}2 {5}\[A\] fpunch 0 2m {2,}0 /);
    expect(t.row({ ...rec, i: 2, line: 3, op: 'mread 0 8k', task: 'B' }, [])).toContain('[B] mread 0 8k');
  });

  it('shows a line without a task as written, in the same column', () => {
    const t = new ObservationTable(lines);
    const setup = t.row({ ...rec, i: 0, line: 1, op: 'mount tmpfs', size: 0n }, []);
    expect(setup).toMatch(/^0 {2}1 {5}mount tmpfs {2,}0 /);
    expect(setup).not.toContain('[');
    // The op column is as wide as the longest prefixed op (15 characters), so ret lines up.
    expect(setup.startsWith('0  1     mount tmpfs      0 ')).toBe(true);
    expect(t.row({ ...rec, task: 'A' }, []).startsWith('1  2     [A] fpunch 0 2m  0 ')).toBe(true);
  });
});
