import { describe, expect, it } from 'vitest';
import { DBPOOL_OPTIONS, type DbpoolOptions, dbpoolScript, defaultOptions } from '../../../src/fuzz/index.js';
import { commands, outcome, parsed } from './_run.js';

const DEFAULTS = defaultOptions(DBPOOL_OPTIONS);
const SMALL: DbpoolOptions = { ...DEFAULTS, ops: 400, size: 32 << 20 };
const K = 1024n;

describe('dbpoolScript', () => {
  it('is the same text for the same seed and options, and another for another seed', () => {
    expect(dbpoolScript(1, DEFAULTS)).toBe(dbpoolScript(1, DEFAULTS));
    expect(dbpoolScript(1, DEFAULTS)).not.toBe(dbpoolScript(2, DEFAULTS));
  });

  it('starts with a comment naming generator, seed and every option, a mount and the pool sized up front', () => {
    const text = dbpoolScript(1, DEFAULTS);
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# foliolog gen dbpool --seed 1 --ops 1500 --size 256m --huge within_size --presize falloc --page 8k --memory 0',
      'mount tmpfs huge=within_size', 'falloc 0 256m',
    ]);
    expect(parsed(text).lines).toHaveLength(1500);
    expect(dbpoolScript(1, { ...SMALL, huge: 'always', presize: 'truncate' }).split('\n').slice(1, 3)).toEqual(['mount tmpfs huge=always', 'truncate 32m']);
  });

  it('sets no memory limit by default, and with --memory a memory line right after the setup, within exactly --ops commands', () => {
    expect(commands(dbpoolScript(1, DEFAULTS)).some((c) => c.cmd === 'memory')).toBe(false);
    const text = dbpoolScript(1, { ...DEFAULTS, memory: 64 << 20 });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# foliolog gen dbpool --seed 1 --ops 1500 --size 256m --huge within_size --presize falloc --page 8k --memory 64m',
      'mount tmpfs huge=within_size', 'falloc 0 256m', 'memory 64m',
    ]);
    expect(commands(text).filter((c) => c.cmd === 'memory')).toHaveLength(1);
    expect(parsed(text).lines).toHaveLength(1500);
    expect(dbpoolScript(1, { ...DEFAULTS, memory: 64 << 20 })).toBe(text);
  });

  it('runs on the model with the oracle on, for every seed and huge= value, without an errno, with or without --memory', () => {
    for (let seed = 1; seed <= 3; seed++) {
      for (const huge of ['within_size', 'always', 'never'] as const) {
        const memory = seed === 2 ? 16 << 20 : 0;
        const r = outcome(dbpoolScript(seed, { ...SMALL, huge, presize: seed % 2 === 0 ? 'truncate' : 'falloc', memory }));
        expect(r.failure, `seed ${seed} ${huge}`).toBeUndefined();
        expect(r.errnos, `seed ${seed} ${huge}`).toEqual({});
      }
    }
  });

  it.each([['8k', 8n * K], ['16k', 16n * K]] as const)('reads and writes whole %s pages at page-aligned offsets, checkpoints runs, punches 64 KiB..1 MiB extents', (page, bytes) => {
    const cs = commands(dbpoolScript(1, { ...DEFAULTS, page }));
    const io = cs.flatMap((c) => (c.cmd === 'pwrite' || c.cmd === 'pread' ? [c] : []));
    expect(io.every((c) => c.pos % bytes === 0n && c.len % bytes === 0n)).toBe(true);
    expect(io.every((c) => c.bsize === undefined ? c.len === bytes : c.bsize === bytes)).toBe(true);
    expect(io.filter((c) => c.cmd === 'pwrite' && c.len === bytes).length).toBeGreaterThan(300);
    expect(io.filter((c) => c.cmd === 'pread' && c.len === bytes).length).toBeGreaterThan(200);
    expect(io.filter((c) => c.cmd === 'pwrite' && c.bsize === bytes && c.len > bytes).length).toBeGreaterThan(20);
    const punches = cs.flatMap((c) => (c.cmd === 'fpunch' ? [c] : []));
    expect(punches.length).toBeGreaterThan(30);
    expect(punches.every((c) => c.pos % (64n * K) === 0n && c.len >= 64n * K && c.len <= 1024n * K)).toBe(true);
    // Some freed extents are used again: reserved anew, or written.
    const reused = cs.filter((c, k) => (c.cmd === 'falloc' && k > 1) || (c.cmd === 'pwrite' && punches.some((p) => p.pos === c.pos)));
    expect(reused.length).toBeGreaterThan(10);
  });

  it('splits large folios with its punches, and allocates smaller ones again where extents are reused', () => {
    const r = outcome(dbpoolScript(1, DEFAULTS));
    expect(r.failure).toBeUndefined();
    expect(r.maxOrder).toBe(9);
    expect(r.stats['2048kB.shmem_alloc']).toBe(128);
    expect(r.stats['2048kB.split']).toBeGreaterThan(20);
    expect(r.stats['64kB.shmem_alloc']).toBeGreaterThan(10);
  });
});
