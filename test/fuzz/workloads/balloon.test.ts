import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/script/index.js';
import { BALLOON_OPTIONS, type BalloonOptions, balloonScript, defaultOptions } from '../../../src/fuzz/index.js';
import { readOptions } from '../../../src/fuzz/workloads/options.js';
import { commands, outcome, parsed } from './_run.js';

const DEFAULTS = defaultOptions(BALLOON_OPTIONS);
/** A smaller guest for the loops over seeds (under `memory 20m`, 5/8 of it). */
const SMALL: BalloonOptions = readOptions(BALLOON_OPTIONS, { ops: '400', size: '32m' });
const K4 = 4096n;
const M2 = 2n << 20n;

/** The snapshot passes of a script: each run of consecutive `seek` commands. */
function passes(cs: readonly Command[]): Array<Array<Extract<Command, { cmd: 'seek' }>>> {
  const out: Array<Array<Extract<Command, { cmd: 'seek' }>>> = [];
  cs.forEach((c, k) => {
    if (c.cmd !== 'seek') return;
    if (cs[k - 1]?.cmd !== 'seek') out.push([]);
    out.at(-1)!.push(c);
  });
  return out;
}

describe('balloonScript', () => {
  it('is the same text for the same seed and options, and another for another seed', () => {
    expect(balloonScript(1, DEFAULTS)).toBe(balloonScript(1, DEFAULTS));
    expect(balloonScript(1, DEFAULTS)).not.toBe(balloonScript(2, DEFAULTS));
    expect(balloonScript(1, DEFAULTS)).not.toBe(balloonScript(1, { ...DEFAULTS, backing: 'anon' }));
  });

  it('starts with a comment naming generator, seed and every option, then exactly OPS commands', () => {
    const text = balloonScript(1, DEFAULTS);
    expect(text.split('\n')[0]).toBe(
      '# foliolog gen balloon --seed 1 --ops 1500 --size 256m --backing memfd --sizes 64kB,2048kB --enabled always --pins 8 --memory 160m --snapshots 4',
    );
    expect(parsed(text).lines).toHaveLength(1500);
    expect(parsed(balloonScript(3, { ...DEFAULTS, ops: 77 })).lines).toHaveLength(77);
  });

  it('runs under memory pressure by default: memory 160m (5/8 of the guest RAM) right after the setup', () => {
    expect(balloonScript(1, DEFAULTS).split('\n').slice(1, 7)).toEqual([
      'thp hugepages-64kB=always hugepages-2048kB=always', 'mount memfd', 'truncate 256m', 'mmap', 'memory 160m', 'mwrite -S 0xee 0 2m',
    ]);
    expect(balloonScript(1, { ...SMALL, backing: 'anon' }).split('\n').slice(1, 4))
      .toEqual(['thp hugepages-64kB=always hugepages-2048kB=always', 'mount anon 32m', 'memory 20m']);
    const cs = commands(balloonScript(1, { ...DEFAULTS, memory: 0 }));
    expect(cs.some((c) => c.cmd === 'memory')).toBe(false);
    expect(cs).toHaveLength(1500);
  });

  it('walks the memfd with SEEK_DATA/SEEK_HOLE in 4 snapshot passes after boot: pairs at ascending 2 MiB block starts from 0', () => {
    const cs = commands(balloonScript(1, DEFAULTS));
    const ps = passes(cs);
    expect(ps).toHaveLength(4);
    for (const p of ps) {
      expect(p.length % 2).toBe(0);
      expect(p.length).toBeGreaterThan(2);
      expect(p.length).toBeLessThanOrEqual(64);
      expect(p.map((c) => c.whence)).toEqual(p.map((_, k) => (k % 2 === 0 ? 'data' : 'hole')));
      const starts = p.filter((_, k) => k % 2 === 0).map((c) => c.offset);
      expect(p.filter((_, k) => k % 2 === 1).map((c) => c.offset)).toEqual(starts);
      expect(starts[0]).toBe(0n);
      expect(starts.every((o, k) => o % M2 === 0n && o < 256n << 20n && (k === 0 || o > starts[k - 1]!))).toBe(true);
    }
    // Spread through the script after boot, with the guest at work between them.
    const firstSeek = cs.findIndex((c) => c.cmd === 'seek');
    expect(firstSeek).toBeGreaterThan(150);
    expect(cs.slice(-100).some((c) => c.cmd === 'seek')).toBe(false);
  });

  it('writes no seek with --backing anon (no file descriptor) or --snapshots 0, and N passes with --snapshots N', () => {
    expect(commands(balloonScript(1, { ...DEFAULTS, backing: 'anon' })).some((c) => c.cmd === 'seek')).toBe(false);
    expect(balloonScript(1, { ...DEFAULTS, backing: 'anon' }).split('\n')[0]).toMatch(/ --snapshots 0$/);
    expect(commands(balloonScript(1, { ...DEFAULTS, snapshots: 0 })).some((c) => c.cmd === 'seek')).toBe(false);
    expect(passes(commands(balloonScript(1, { ...DEFAULTS, snapshots: 7 })))).toHaveLength(7);
  });

  it('writes exactly --ops commands whatever the memory line and the passes take', () => {
    for (const ops of [10, 11, 40, 77, 300]) {
      for (const snapshots of [0, 4, 32]) {
        const text = balloonScript(2, { ...SMALL, ops, snapshots });
        expect(parsed(text).lines, `ops ${ops} snapshots ${snapshots}`).toHaveLength(ops);
        expect(balloonScript(2, { ...SMALL, ops, snapshots })).toBe(text);
      }
    }
  });

  it('runs on the model under pressure with the oracle on, for every seed and both backings; only SEEK_DATA past the last data fails (ENXIO)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      for (const backing of ['memfd', 'anon'] as const) {
        const r = outcome(balloonScript(seed, { ...SMALL, backing }));
        expect(r.failure, `seed ${seed} ${backing}`).toBeUndefined();
        expect(Object.keys(r.failed).filter((k) => k !== 'seek -d ENXIO'), `seed ${seed} ${backing}`).toEqual([]);
      }
    }
  });

  it('inflates by 4 KiB punches, reports 2 MiB and 64 KiB blocks, pins and unpins, and faults the rest', () => {
    const cs = commands(balloonScript(1, DEFAULTS));
    const removes = cs.flatMap((c) => (c.cmd === 'madvise' && c.advice === 'remove' && c.range ? [c.range] : []));
    expect(removes.filter((r) => r.len === K4).length).toBeGreaterThan(300);
    expect(removes.filter((r) => r.len === 2n << 20n && r.pos % (2n << 20n) === 0n).length).toBeGreaterThan(10);
    expect(removes.filter((r) => r.len === 64n << 10n && r.pos % (64n << 10n) === 0n).length).toBeGreaterThan(5);
    expect(removes.every((r) => r.pos % K4 === 0n)).toBe(true);
    expect(cs.filter((c) => c.cmd === 'pin').length).toBeGreaterThan(5);
    expect(cs.filter((c) => c.cmd === 'unpin').length).toBeGreaterThan(0);
    expect(cs.filter((c) => c.cmd === 'mwrite' || c.cmd === 'mread').length).toBeGreaterThan(400);
    // Boot faults memory in from 0 upwards.
    const boot = cs.slice(5, 13).map((c) => (c.cmd === 'mwrite' || c.cmd === 'mread' ? c.range!.pos : -1n));
    expect(boot).toEqual([...boot].sort((a, b) => (a < b ? -1 : 1)));
    expect(boot[0]).toBe(0n);
  });

  it('never punches a pinned page, holds at most --pins pins of a few pages, and never punches outside the RAM', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const o = { ...DEFAULTS, pins: 3 };
      const held: Array<{ pos: bigint; len: bigint }> = [];
      for (const c of commands(balloonScript(seed, o))) {
        if (c.cmd === 'pin') held.push(c.range!);
        if (c.cmd === 'unpin') held.splice(held.findIndex((p) => p.pos === c.range!.pos), 1);
        expect(held.length).toBeLessThanOrEqual(3);
        if (c.cmd === 'pin') expect(c.range!.len <= 4n * K4).toBe(true);
        if (c.cmd !== 'madvise' || !c.range) continue;
        const { pos, len } = c.range;
        expect(pos + len <= BigInt(o.size)).toBe(true);
        expect(held.some((p) => p.pos < pos + len && pos < p.pos + p.len)).toBe(false);
      }
    }
  });

  it('writes no pin with --pins 0, and an anonymous region with --backing anon', () => {
    expect(commands(balloonScript(1, { ...SMALL, pins: 0 })).some((c) => c.cmd === 'pin')).toBe(false);
    expect(balloonScript(1, { ...SMALL, backing: 'anon' }).split('\n').slice(1, 3)).toEqual(['thp hugepages-64kB=always hugepages-2048kB=always', 'mount anon 32m']);
  });

  it('sets the chosen sizes\' knobs, the global knob for inherit, and 2048kB to never when it is not chosen', () => {
    expect(balloonScript(1, { ...SMALL, sizes: ['16kB', '64kB'], enabled: 'inherit' }).split('\n')[1])
      .toBe('thp shmem_enabled=always hugepages-16kB=inherit hugepages-64kB=inherit hugepages-2048kB=never');
  });

  it('makes large folios, and punches that cannot split them because a page is pinned (split_failed)', () => {
    const r = outcome(balloonScript(1, DEFAULTS));
    expect(r.failure).toBeUndefined();
    expect(r.maxOrder).toBe(9);
    expect(r.stats['2048kB.shmem_alloc']).toBeGreaterThan(50);
    expect(r.stats['2048kB.split']).toBeGreaterThan(10);
    expect(r.stats['2048kB.split_failed']).toBeGreaterThan(5);
  });

  it('faults only the chosen sizes: 64kB alone gives order-4 folios and none larger', () => {
    const r = outcome(balloonScript(2, { ...SMALL, sizes: ['64kB'] }));
    expect(r.failure).toBeUndefined();
    expect(r.maxOrder).toBe(4);
    expect(r.stats['64kB.shmem_alloc']).toBeGreaterThan(50);
  });
});
