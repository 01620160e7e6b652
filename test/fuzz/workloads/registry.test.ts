import { describe, expect, it } from 'vitest';
import { OptionError, WORKLOADS, workloadNamed } from '../../../src/fuzz/index.js';
import { parsed } from './_run.js';

describe('WORKLOADS', () => {
  it('holds balloon, dbpool and sparse, each with --ops and --size', () => {
    expect(WORKLOADS.map((w) => w.name)).toEqual(['balloon', 'dbpool', 'sparse']);
    for (const w of WORKLOADS) expect(w.options.map((o) => o.name).slice(0, 2)).toEqual(['ops', 'size']);
    expect(workloadNamed('sparse')).toBe(WORKLOADS[2]);
    expect(workloadNamed('nope')).toBeUndefined();
  });

  it.each(WORKLOADS.map((w) => [w.name, w] as const))('%s: generate reads options as text and counts the commands', (_, w) => {
    const g = w.generate(5, { ops: '60', size: '16m' });
    expect(g).toMatchObject({ generator: w.name, seed: 5, lines: 60 });
    expect(g.options).toMatchObject({ ops: 60, size: 16 << 20 });
    expect(parsed(g.script).lines).toHaveLength(60);
    expect(g.script.split('\n')[0]).toMatch(new RegExp(`^# foliolog gen ${w.name} --seed 5 --ops 60 --size 16m( --\\w+ \\S+)+$`));
    // The header's options, given back, make the same script.
    const words = g.script.split('\n')[0]!.split(' ').slice(6);
    const given = Object.fromEntries(Array.from({ length: words.length / 2 }, (_, k) => [words[2 * k]!.slice(2), words[2 * k + 1]!]));
    expect(w.generate(5, given).script).toBe(g.script);
  });

  it('refuses a seed outside 0..2^32-1 and a bad option value, naming it', () => {
    const w = workloadNamed('dbpool')!;
    expect(() => w.generate(-1, {})).toThrow('--seed: not an integer in 0..4294967295: -1');
    expect(() => w.generate(2 ** 32, {})).toThrow(OptionError);
    expect(() => w.generate(1, { huge: 'force' })).toThrow('--huge: not one of always, within_size, advise, never: force');
    expect(() => w.generate(1, { page: '12k' })).toThrow(/^--page: not one of 4k, 8k, 16k, 32k, 64k: 12k$/);
  });

  it.each(WORKLOADS.map((w) => [w.name, w] as const))('%s writes scripts the real kernel runs as they are: no task prefixes, no comment but the first line', (_, w) => {
    for (let seed = 1; seed <= 5; seed++) {
      const text = w.generate(seed, { ops: '300' }).script;
      expect(parsed(text).lines.every((l) => l.task === undefined)).toBe(true);
      expect(text.split('\n').slice(1).some((l) => l.includes('#'))).toBe(false);
    }
  });
});
