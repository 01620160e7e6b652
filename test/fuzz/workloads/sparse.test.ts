import { describe, expect, it } from 'vitest';
import { SPARSE_OPTIONS, type SparseOptions, defaultOptions, sparseScript } from '../../../src/fuzz/index.js';
import { commands, outcome, parsed } from './_run.js';

const DEFAULTS = defaultOptions(SPARSE_OPTIONS);
const SMALL: SparseOptions = { ...DEFAULTS, ops: 400, size: 16 << 20 };

describe('sparseScript', () => {
  it('is the same text for the same seed and options, and another for another seed', () => {
    expect(sparseScript(1, DEFAULTS)).toBe(sparseScript(1, DEFAULTS));
    expect(sparseScript(1, DEFAULTS)).not.toBe(sparseScript(2, DEFAULTS));
  });

  it('starts with a comment naming generator, seed and every option, a mount and each file grown', () => {
    const text = sparseScript(1, { ...DEFAULTS, files: 3 });
    expect(text.split('\n')[0]).toBe('# foliolog gen sparse --seed 1 --ops 1500 --size 128m --files 3 --huge within_size --memory 0');
    expect(parsed(text).lines).toHaveLength(1500);
    expect(text.split('\n').slice(1, 7).map((l) => l.split(' ')[0])).toEqual(['mount', 'truncate', 'open', 'truncate', 'open', 'truncate']);
  });

  it('sets no memory limit by default, and with --memory a memory line after every file is grown, within exactly --ops commands', () => {
    expect(commands(sparseScript(1, DEFAULTS)).some((c) => c.cmd === 'memory')).toBe(false);
    const text = sparseScript(1, { ...DEFAULTS, files: 3, memory: 64 << 20 });
    expect(text.split('\n')[0]).toMatch(/ --memory 64m$/);
    expect(text.split('\n').slice(1, 8).map((l) => l.split(' ')[0])).toEqual(['mount', 'truncate', 'open', 'truncate', 'open', 'truncate', 'memory']);
    expect(text.split('\n')[7]).toBe('memory 64m');
    expect(commands(text).filter((c) => c.cmd === 'memory')).toHaveLength(1);
    expect(parsed(text).lines).toHaveLength(1500);
  });

  it('runs on the model under --memory with the oracle on', () => {
    const r = outcome(sparseScript(2, { ...SMALL, memory: 4 << 20 }));
    expect(r.failure).toBeUndefined();
    expect(Object.keys(r.errnos).filter((e) => e !== 'ENXIO')).toEqual([]);
  });

  it('runs on the model with the oracle on, for every seed and huge= value; only seeks past the data fail (ENXIO)', () => {
    for (let seed = 1; seed <= 3; seed++) {
      for (const huge of ['within_size', 'always', 'advise'] as const) {
        const r = outcome(sparseScript(seed, { ...SMALL, huge }));
        expect(r.failure, `seed ${seed} ${huge}`).toBeUndefined();
        expect(Object.keys(r.errnos).filter((e) => e !== 'ENXIO'), `seed ${seed} ${huge}`).toEqual([]);
      }
    }
  });

  it('grows, writes, punches, truncates down and up again, and seeks for data and holes, over --files files', () => {
    const o = { ...DEFAULTS, files: 3 };
    const cs = commands(sparseScript(1, o));
    const count = (pred: (c: (typeof cs)[number]) => boolean): number => cs.filter(pred).length;
    expect(count((c) => c.cmd === 'seek' && c.whence === 'data')).toBeGreaterThan(100);
    expect(count((c) => c.cmd === 'seek' && c.whence === 'hole')).toBeGreaterThan(100);
    expect(count((c) => c.cmd === 'fpunch')).toBeGreaterThan(100);
    expect(count((c) => c.cmd === 'pwrite')).toBeGreaterThan(300);
    expect(new Set(cs.flatMap((c) => (c.cmd === 'open' ? [c.name] : [])))).toEqual(new Set(['f', 'f1', 'f2']));
    // Per file, truncates go down and then up again; no file grows past --size.
    const sizes = new Map<string, bigint>();
    let file = 'f';
    let downs = 0;
    let upsAfterDown = 0;
    for (const c of cs) {
      if (c.cmd === 'open') file = c.name;
      if (c.cmd === 'pwrite') sizes.set(file, [sizes.get(file) ?? 0n, c.pos + c.len].reduce((a, b) => (a > b ? a : b)));
      if (c.cmd !== 'truncate') continue;
      const before = sizes.get(file) ?? 0n;
      if (c.size < before) downs++;
      if (c.size > before && downs > 0) upsAfterDown++;
      sizes.set(file, c.size);
      expect(c.size <= BigInt(o.size)).toBe(true);
    }
    expect(downs).toBeGreaterThan(20);
    expect(upsAfterDown).toBeGreaterThan(20);
    expect([...sizes.values()].every((s) => s <= BigInt(o.size))).toBe(true);
  });

  it('makes large folios and splits them, and answers some seeks ENXIO', () => {
    const r = outcome(sparseScript(1, DEFAULTS));
    expect(r.failure).toBeUndefined();
    expect(r.maxOrder).toBe(9);
    expect(r.stats['2048kB.split']).toBeGreaterThan(20);
    expect(r.errnos.ENXIO).toBeGreaterThan(5);
  });

  it('with one file never opens another', () => {
    expect(commands(sparseScript(1, { ...SMALL, files: 1 })).some((c) => c.cmd === 'open')).toBe(false);
  });
});
