/**
 * Per-block uptodate state (src/model/per-block.ts, the 2024 series' per-block uptodate
 * tracking, not in 6.18), run through the simulator with its oracle: a write into a
 * not-uptodate large folio marks only the pages it wrote; reads, SEEK_DATA/SEEK_HOLE, a fault
 * and a split see the folio page by page. Without the `fault-clears-partial` switch, the fault
 * keeps the written bytes.
 */
import { describe, expect, it } from 'vitest';
import type { Folio } from '../../src/model/folio.js';
import { PerBlock } from '../../src/model/policy/per-block.js';
import { parseScript } from '../../src/script/index.js';
import type { Observation } from '../../src/script/observation.js';
import { simulate } from '../../src/sim/index.js';
import { K, M, folios, scriptText } from './_helpers.js';

/** Every observation of `lines` run with per-block state (no bug switch); the run must pass its checks. */
function runPerBlock(lines: readonly string[]): readonly Observation[] {
  const r = simulate(parseScript(scriptText(lines), 'per-block.fl'), { policy: [{ name: 'per-block', params: {} }] });
  expect(r.failure).toBeUndefined();
  return r.observations;
}

/** The observation of the line `line` (as written in `lines`). */
function at(obs: readonly Observation[], lines: readonly string[], line: string): Observation {
  const i = lines.indexOf(line);
  expect(i).toBeGreaterThanOrEqual(0);
  return obs[i]!;
}

const PARTIAL = ['mount tmpfs huge=always', 'falloc 0 2m', 'pwrite 64k 4k'];

describe('per-block uptodate state', () => {
  it('marks only the written pages of a fallocated PMD folio uptodate: the folio stays not uptodate', () => {
    const obs = runPerBlock(PARTIAL);
    expect(obs[2]!.folios).toEqual(folios('0:9*'));
    expect(obs[2]!.ret).toBe(4n * K);
  });

  it('marks the folio uptodate once every page is written', () => {
    const lines = [...PARTIAL, 'pwrite 0 64k', 'pwrite 68k 1980k'];
    const obs = runPerBlock(lines);
    expect(obs[3]!.folios).toEqual(folios('0:9*'));
    expect(obs[4]!.folios).toEqual(folios('0:9'));
  });

  it('reads a partly uptodate folio as its bytes: written pages hold their data, the others zeros', () => {
    const lines = [...PARTIAL, 'pread 60k 12k'];
    const obs = runPerBlock(lines);
    expect(obs[3]!.data).toEqual([[0, 4096, 0], [4096, 4096, 0xcd], [8192, 4096, 0]]);
  });

  it('keeps the written bytes across a fault on another page of the folio, which becomes uptodate', () => {
    const lines = ['mount tmpfs huge=always', 'falloc 0 2m', 'pwrite 0 4k', 'mmap', 'mread 4096 4096', 'pread 0 8k'];
    const obs = runPerBlock(lines);
    expect(obs[4]!.folios).toEqual(folios('0:9'));
    expect(obs[5]!.data).toEqual([[0, 4096, 0xcd], [4096, 4096, 0]]);
  });

  it.each([
    ['seek -d 0', 64n * K],
    ['seek -d 65537', 65537n],
    ['seek -d 68k', 'ENXIO'],
    ['seek -h 0', 0n],
    ['seek -h 64k', 68n * K],
    ['seek -h 65537', 68n * K],
    ['seek -h 68k', 68n * K],
  ] as const)('%s inside a partly uptodate PMD folio (page 16 written) returns %s', (seek, expected) => {
    const lines = [...PARTIAL, seek];
    expect(runPerBlock(lines)[3]!.ret).toBe(expected);
  });

  it('finds data in a later page of the folio after a hole page, and the hole after it', () => {
    const lines = [...PARTIAL, 'pwrite 1m 8k', 'seek -d 68k', 'seek -h 1m'];
    const obs = runPerBlock(lines);
    expect(at(obs, lines, 'seek -d 68k').ret).toBe(M);
    expect(at(obs, lines, 'seek -h 1m').ret).toBe(M + 8n * K);
  });

  it('splits a partly uptodate folio into pieces with their part of the bitmap', () => {
    // Pages 0-1, 18-19 and 256 written; the punch of page 16 splits 0:9 around it.
    const lines = [
      'mount tmpfs huge=always', 'falloc 0 2m', 'pwrite 0 8k', 'pwrite 72k 8k', 'pwrite 1m 4k', 'fpunch 64k 4k',
      'seek -d 8k', 'seek -h 72k', 'seek -d 80k', 'pread 0 8k', 'pwrite 8k 56k',
    ];
    const obs = runPerBlock(lines);
    // 18:1 holds only written pages: uptodate. 0:4 and 256:8 keep bitmaps; the others have no uptodate page.
    expect(at(obs, lines, 'fpunch 64k 4k').folios).toEqual(folios('0:4* 17:0* 18:1 20:2* 24:3* 32:5* 64:6* 128:7* 256:8*'));
    expect(at(obs, lines, 'seek -d 8k').ret).toBe(72n * K);
    expect(at(obs, lines, 'seek -h 72k').ret).toBe(80n * K);
    expect(at(obs, lines, 'seek -d 80k').ret).toBe(M);
    expect(at(obs, lines, 'pread 0 8k').data).toEqual([[0, 8192, 0xcd]]);
    // Writing the rest of 0:4 makes that piece uptodate.
    expect(at(obs, lines, 'pwrite 8k 56k').folios!.slice(0, 1)).toEqual(folios('0:4'));
  });

  it('drops the bitmap with the folio: a punch of a whole partly uptodate folio leaves nothing behind', () => {
    const lines = [...PARTIAL, 'fpunch 0 2m', 'seek -d 0', 'pread 64k 4k'];
    const obs = runPerBlock(lines);
    expect(at(obs, lines, 'fpunch 0 2m').folios).toEqual([]);
    expect(at(obs, lines, 'seek -d 0').ret).toBe('ENXIO');
    expect(at(obs, lines, 'pread 64k 4k').data).toEqual([[0, 4096, 0]]);
  });

  it('clears the uptodate pages a punch zeroed in a folio it could not split: SEEK finds the hole, a write or fault fills it', () => {
    const pinned = ['mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 0 4k', 'fpunch 1538k 8k'];
    const lines = [...pinned, 'seek -h 0', 'seek -d 1536k', 'pread 1536k 16k', 'pwrite -S 7 1540k 4k', 'seek -h 0', 'mread 1544k 4k', 'seek -h 0'];
    const obs = runPerBlock(lines);
    // The split fails; page 385 (1540k..1544k), wholly punched, is no longer uptodate: the folio
    // is not; pages 384 and 386, partly punched, keep their other bytes and stay uptodate.
    expect(at(obs, lines, 'fpunch 1538k 8k').folios).toEqual(folios('0:9*'));
    expect(at(obs, lines, 'fpunch 1538k 8k').stats).toEqual({ '2048kB': { split_failed: 1 } });
    expect(obs[5]!.ret).toBe(1540n * K);
    expect(obs[6]!.ret).toBe(1536n * K);
    expect(at(obs, lines, 'pread 1536k 16k').data).toEqual([[0, 2048, 0xcd], [2048, 8192, 0], [10240, 6144, 0xcd]]);
    // Written again: every page is uptodate, so is the folio; SEEK_HOLE answers EOF.
    expect(at(obs, lines, 'pwrite -S 7 1540k 4k').folios).toEqual(folios('0:9'));
    expect(obs[9]!.ret).toBe(2n * M);
    // Under 6.18 the punched page stays uptodate zeros from the start: data to SEEK.
    const six = simulate(parseScript(scriptText([...pinned, 'seek -h 0']), 'six.fl'));
    expect(six.observations[4]!.folios).toEqual(folios('0:9'));
    expect(six.observations[5]!.ret).toBe(2n * M);
  });

  it('makes the folio uptodate again when a fault maps a punched page, zeroed', () => {
    const lines = ['mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 0 4k', 'fpunch 1m 4k', 'mread 1m 4k', 'seek -h 0', 'pread 1m 4k'];
    const obs = runPerBlock(lines);
    expect(at(obs, lines, 'fpunch 1m 4k').folios).toEqual(folios('0:9*'));
    expect(at(obs, lines, 'mread 1m 4k').folios).toEqual(folios('0:9'));
    expect(at(obs, lines, 'seek -h 0').ret).toBe(2n * M);
    expect(at(obs, lines, 'pread 1m 4k').data).toEqual([[0, 4096, 0]]);
  });

  it('leaves a large folio a write allocates partly uptodate too', () => {
    const obs = runPerBlock(['mount tmpfs huge=always', 'pwrite 0 4k', 'pwrite 8k 4k', 'seek -h 0']);
    expect(obs[2]!.folios).toEqual(folios('0:9*'));
    expect(obs[3]!.ret).toBe(4n * K);
  });

  it('changes nothing for order-0 folios: a write marks them uptodate whole', () => {
    const obs = runPerBlock(['mount tmpfs', 'falloc 0 8k', 'pwrite 100 10']);
    expect(obs[2]!.folios).toEqual(folios('0:0 1:0*'));
  });
});

describe('PerBlock', () => {
  /** A stand-in folio: only index, order and uptodate are read. */
  const folio = (index: number, order: number): Folio => ({ id: 1, file: 1, index, order, uptodate: false }) as unknown as Folio;

  it('keeps a bitmap only while some but not all pages are uptodate', () => {
    const pb = new PerBlock();
    const f = folio(0, 2);
    expect(pb.setRangeUptodate(f, 0, 4)).toBe(true);
    expect(pb.size).toBe(0);
    expect(pb.setRangeUptodate(f, 1, 2)).toBe(false);
    expect(pb.isPartial(f)).toBe(true);
    expect([0, 1, 2, 3].map((i) => pb.blockIsUptodate(f, i))).toEqual([false, true, false, false]);
    expect(pb.setRangeUptodate(f, 0, 1)).toBe(false);
    expect(pb.setRangeUptodate(f, 2, 4)).toBe(true);
    expect(pb.size).toBe(0);
  });

  it('shares a bitmap out among split pieces in every order', () => {
    for (let order = 1; order <= 9; order++) {
      const pb = new PerBlock();
      const parent = folio(0, order);
      const nr = 1 << order;
      pb.setRangeUptodate(parent, 0, 1);
      const bits = pb.take(parent)!;
      expect(pb.size).toBe(0);
      const low = folio(0, order - 1);
      const high = folio(nr / 2, order - 1);
      expect(pb.inherit(low, bits, 0)).toBe(order === 1);
      expect(pb.isPartial(low)).toBe(order > 1);
      expect(pb.inherit(high, bits, 0)).toBe(false);
      expect(pb.isPartial(high)).toBe(false);
      if (order > 1) expect(pb.findPage(low, 0, true)).toBe(0);
      expect(pb.findPage(high, nr / 2, true)).toBeUndefined();
      expect(pb.findPage(high, nr / 2, false)).toBe(nr / 2);
    }
  });
});
