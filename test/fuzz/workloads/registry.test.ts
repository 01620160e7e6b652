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

  it.each(WORKLOADS.map((w) => [w.name, w] as const))('%s writes scripts the real kernel runs as they are with --memory 0: no task prefixes, no comment but the first line, no model-only line', (_, w) => {
    for (let seed = 1; seed <= 5; seed++) {
      const text = w.generate(seed, { ops: '300', memory: '0' }).script;
      expect(parsed(text).lines.every((l) => l.task === undefined)).toBe(true);
      expect(parsed(text).lines.some((l) => l.command.cmd === 'memory' || l.command.cmd === 'scan')).toBe(false);
      expect(text.split('\n').slice(1).some((l) => l.includes('#'))).toBe(false);
    }
  });

  it('every generator takes --memory: balloon\'s default follows --size, the others\' is 0', () => {
    const memory = (name: string, given: Record<string, string>): unknown => workloadNamed(name)!.generate(1, { ops: '20', ...given }).options.memory;
    expect(memory('balloon', {})).toBe(160 << 20);
    expect(memory('balloon', { size: '512m' })).toBe(320 << 20);
    expect(memory('balloon', { size: '512m', memory: '1g' })).toBe(1 << 30);
    expect(memory('dbpool', {})).toBe(0);
    expect(memory('sparse', { memory: '64m' })).toBe(64 << 20);
    expect(WORKLOADS.map((w) => w.options.find((o) => o.name === 'memory'))).toMatchObject([
      { fallback: '5/8 of --size, rounded down to 4k', follows: true },
      { fallback: '0', follows: false },
      { fallback: '0', follows: false },
    ]);
  });
});
