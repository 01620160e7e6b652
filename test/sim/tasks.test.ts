import { describe, expect, it } from 'vitest';
import { formatObservation, parseScript } from '../../src/script/index.js';
import { PctScheduler, RandomScheduler, ReplayScheduler, simulate } from '../../src/sim/index.js';
import type { Scheduler } from '../../src/sim/index.js';

const RACE = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\n[A] fpunch 0 2m\n[B] mwrite 0 8k\n[B] mread 0 2m\n';

function run(text: string, scheduler: Scheduler) {
  const r = simulate(parseScript(text, 'race.fl'), { scheduler });
  return { ...r, lines: r.observations.map(formatObservation) };
}

describe('tasks', () => {
  it('gives byte-identical observations and the same schedule for the same seed', () => {
    for (const seed of [1, 2, 3, 4]) {
      const a = run(RACE, new RandomScheduler(seed));
      const b = run(RACE, new RandomScheduler(seed));
      expect(a.failure).toBeUndefined();
      expect(b.lines).toStrictEqual(a.lines);
      expect(b.schedule).toStrictEqual(a.schedule);
    }
  });

  it('interleaves the tasks differently under different seeds, each run passing the oracle', () => {
    const schedules = new Set<string>();
    const orders = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const r = run(RACE, new RandomScheduler(seed));
      expect(r.failure).toBeUndefined();
      schedules.add(r.schedule!.join(''));
      orders.add(r.observations.map((o) => o.i).join(','));
    }
    expect(schedules.size).toBeGreaterThan(3);
    // Objects come in completion order: the punch finishes before or after B's lines.
    expect(orders).toContain('0,1,2,3,4,5');
    expect(orders).toContain('0,1,2,4,5,3');
  });

  it('replays a recorded schedule exactly, and PCT is deterministic in its seed', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const a = run(RACE, new PctScheduler(seed, 3, ['A', 'B'], 40));
      const b = run(RACE, new ReplayScheduler(a.schedule!));
      expect(b.lines).toStrictEqual(a.lines);
      expect(b.schedule).toStrictEqual(a.schedule);
    }
  });

  it('marks prefixed lines with their task and leaves setup lines and single-task scripts as they were', () => {
    const r = run(RACE, new RandomScheduler(1));
    expect(r.observations.filter((o) => o.task !== undefined).map((o) => [o.i, o.task])).toEqual(
      expect.arrayContaining([[3, 'A'], [4, 'B'], [5, 'B']]));
    expect(r.observations.slice(0, 3).every((o) => !('task' in o))).toBe(true);
    const single = simulate(parseScript('mount tmpfs huge=always\npwrite 0 2m\nfpunch 0 4k\n', 's.fl'));
    expect(single.schedule).toBeUndefined();
    expect(formatObservation(single.observations[2]!)).toBe(
      '{"i":2,"line":3,"op":"fpunch 0 4k","ret":0,"folios":[[1,0,1],[2,1,1],[4,2,1],[8,3,1],[16,4,1],[32,5,1],[64,6,1],[128,7,1],[256,8,1]],"stats":{"2048kB":{"split":1}},"size":2097152,"blocks":4088}');
  });

  it('counts each split on the punch that made it, not on the fault running beside it', () => {
    const text = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\n[A] fpunch 4k 4k\n[B] mwrite 1m 4k\n';
    const alone = simulate(parseScript('mount tmpfs huge=always\npwrite 0 2m\nmmap\nfpunch 4k 4k\n', 'a.fl')).observations[3]!.stats;
    expect(Object.keys(alone).length).toBeGreaterThan(0);
    for (let seed = 1; seed <= 10; seed++) {
      const r = run(text, new RandomScheduler(seed));
      expect(r.failure).toBeUndefined();
      expect(r.observations.find((o) => o.i === 3)!.stats).toStrictEqual(alone);
      expect(r.observations.find((o) => o.i === 4)!.stats).toStrictEqual({});
    }
  });
});
