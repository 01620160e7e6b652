import { describe, expect, it } from 'vitest';
import { parseScript, ScriptError } from '../../src/script/index.js';
import type { EventRecord, MixOptions, RunRecorder } from '../../src/sim/index.js';
import { BENCH_MIX, mixLines, mixProgram, mixText, Simulation, take } from '../../src/sim/index.js';

/** Every event row a run hands its recorder, as text. */
function events(): { recorder: RunRecorder; rows: string[] } {
  const rows: string[] = [];
  const text = (r: EventRecord): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return { rows, recorder: { file: () => {}, event: (r) => void rows.push(text(r)), operation: (o) => void rows.push(`op ${o.i} ${o.op} ${o.ret}`) } };
}

describe('the seeded mix (the benchmark workload)', () => {
  it('is the same program for the same seed and another for another seed', () => {
    expect(mixText(BENCH_MIX, 2_000)).toBe(mixText(BENCH_MIX, 2_000));
    expect(mixText({ ...BENCH_MIX, seed: 2 }, 2_000)).not.toBe(mixText(BENCH_MIX, 2_000));
  });

  it('stays inside its files, mixes the three commands in about the asked shares and visits every file', () => {
    const lines = take(mixLines(BENCH_MIX), 20_000);
    expect(lines.slice(0, 2)).toEqual(['mount tmpfs huge=within_size', 'open f0']);
    const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
    const ops = count(/^(pwrite|fpunch|seek)/);
    expect(count(/^pwrite/) / ops).toBeCloseTo(0.5, 1);
    expect(count(/^fpunch/) / ops).toBeCloseTo(0.3, 1);
    expect(new Set(lines.filter((l) => l.startsWith('open')))).toEqual(new Set(['open f0', 'open f1', 'open f2', 'open f3']));
    for (const l of lines) {
      const [, off, len] = /^(?:pwrite|fpunch) (\d+) (\d+)$/.exec(l) ?? [];
      if (off === undefined) continue;
      expect(Number(off) % 4096).toBe(0);
      expect(Number(off) + Number(len!)).toBeLessThanOrEqual(BENCH_MIX.fileBytes);
      expect(Number(len!)).toBeLessThanOrEqual(BENCH_MIX.maxPages * 4096);
    }
  });

  it('run line by line, records exactly what the same lines parsed as a whole script record', () => {
    const mix: MixOptions = { ...BENCH_MIX, fileBytes: 1 << 20, seed: 7 };
    const whole = events();
    const parsed = new Simulation(parseScript(mixText(mix, 600), 'mix.fl'), { check: true, recorder: whole.recorder });
    while (parsed.step());
    const streamed = events();
    const lazy = new Simulation(mixProgram(mix, 'mix.fl'), { check: true, recorder: streamed.recorder, keepObservations: false });
    while (lazy.ops < 600 && lazy.step());
    expect(parsed.result().failure).toBeUndefined();
    expect(lazy.result().failure).toBeUndefined();
    expect(streamed.rows).toEqual(whole.rows);
    expect(whole.rows.length).toBeGreaterThan(1_000);
  });

  it('an edited line changes that command only, and a malformed edit is a script error with its line', () => {
    const [a, b] = [take(mixLines(BENCH_MIX), 10), [...take(mixProgram(BENCH_MIX, 'm.fl', { at: 5, line: 'seek -d 0' }).lines[Symbol.iterator](), 10)]];
    expect(b.map((l) => l.op)).toEqual(a.map((l, k) => (k === 5 ? 'seek -d 0' : l)));
    expect(b[5]!.line).toBe(6);
    const bad = mixProgram(BENCH_MIX, 'm.fl', { at: 3, line: 'pwrite x' }).lines[Symbol.iterator]();
    expect(() => take(bad, 10)).toThrow(ScriptError);
    expect(() => take(mixProgram(BENCH_MIX, 'm.fl', { at: 3, line: 'pwrite x' }).lines[Symbol.iterator](), 10)).toThrow(/^m\.fl:4: /);
  });
});
