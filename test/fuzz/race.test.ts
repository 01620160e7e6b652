import { describe, expect, it } from 'vitest';
import { raceScript, reproSize, trial } from '../../src/fuzz/index.js';
import { parseScript } from '../../src/script/index.js';

describe('raceScript', () => {
  it('is the same script for the same seed and options, and another for another seed', () => {
    expect(raceScript(7, { ops: 20, tasks: 2 })).toBe(raceScript(7, { ops: 20, tasks: 2 }));
    expect(raceScript(7, { ops: 20, tasks: 2 })).not.toBe(raceScript(8, { ops: 20, tasks: 2 }));
  });

  it('writes a setup, then exactly OPS commands in all, every one after the setup in a task', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const script = parseScript(raceScript(seed, { ops: 20, tasks: 3 }), 'r.fl');
      expect(script.lines).toHaveLength(20);
      const first = script.lines.findIndex((l) => l.task !== undefined);
      expect(script.lines[0]!.command.cmd === 'mount' || script.lines[0]!.command.cmd === 'thp').toBe(true);
      expect(script.lines.slice(first).every((l) => ['A', 'B', 'C'].includes(l.task!))).toBe(true);
    }
  });

  it('puts faults and punches of the same large folios in different tasks', () => {
    const races = Array.from({ length: 100 }, (_, k) => parseScript(raceScript(k + 1, { ops: 20, tasks: 2 }), 'r.fl'))
      .filter((s) => {
        const tasksOf = (cmds: string[]) => new Set(s.lines.filter((l) => cmds.includes(l.command.cmd)).map((l) => l.task));
        const faults = tasksOf(['mread', 'mwrite']);
        const punches = tasksOf(['fpunch']);
        return [...faults].some((t) => t !== undefined && [...punches].some((p) => p !== undefined && p !== t));
      });
    expect(races.length).toBeGreaterThan(50);
  });

  it('with one task writes no prefixes: a plain script', () => {
    const text = raceScript(3, { ops: 12, tasks: 1 });
    expect(text).not.toMatch(/\[[A-Z]\]/);
    expect(trial(text, 'r.fl', [])!.failure).toBeUndefined();
  });

  it('counts a reproducer without the lines that only set the stage', () => {
    expect(reproSize(['thp hugepages-64kB=always', 'mount tmpfs', 'open g', 'pwrite 0 4k', '[A] fpunch 0 4k', 'unlink', 'remount huge=never'])).toBe(2);
  });
});
