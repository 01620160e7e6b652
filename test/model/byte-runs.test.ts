import { describe, expect, it } from 'vitest';
import { ByteRuns } from '../../src/model/index.js';

/** A tiny deterministic generator (tests need no cryptographic quality). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Runs of a plain byte array, in ByteRuns.read's shape. */
function runsOf(buf: Uint8Array, pos: number, len: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let k = pos; k < pos + len; k++) {
    const prev = out[out.length - 1];
    if (prev && prev[2] === buf[k]) prev[1]++;
    else out.push([k - pos, 1, buf[k]!]);
  }
  return out;
}

describe('ByteRuns', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('agrees with a plain byte array over 300 random fills and clears (seed %i)', (seed) => {
    const rnd = lcg(seed);
    const size = 512;
    const buf = new Uint8Array(size);
    const runs = new ByteRuns();
    for (let step = 0; step < 300; step++) {
      const pos = Math.floor(rnd() * size);
      const len = Math.floor(rnd() * (size - pos));
      const byte = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 3);
      buf.fill(byte, pos, pos + len);
      runs.fill(BigInt(pos), BigInt(len), byte);
      const a = Math.floor(rnd() * size);
      const l = Math.floor(rnd() * (size - a));
      expect(runs.read(BigInt(a), BigInt(l))).toEqual(runsOf(buf, a, l));
    }
    expect(runs.read(0n, BigInt(size))).toEqual(runsOf(buf, 0, size));
  });

  it.each([11, 12, 13, 14, 15, 16])('keeps maximal runs and the written bytes over random fills and clears (seed %i)', (seed) => {
    const rnd = lcg(seed);
    const size = 256;
    // -1: never written (or cleared); else the byte written.
    const cells = new Int16Array(size).fill(-1);
    const runs = new ByteRuns();
    for (let step = 0; step < 400; step++) {
      const pos = Math.floor(rnd() * size);
      const len = Math.floor(rnd() * Math.min(64, size - pos));
      if (rnd() < 0.4) {
        cells.fill(-1, pos, pos + len);
        runs.clear(BigInt(pos), BigInt(len));
      } else {
        const byte = Math.floor(rnd() * 3);
        cells.fill(byte, pos, pos + len);
        runs.fill(BigInt(pos), BigInt(len), byte);
      }
      let maximal = 0;
      for (let k = 0; k < size; k++) if (cells[k] !== -1 && (k === 0 || cells[k - 1] !== cells[k])) maximal++;
      expect(runs.length).toBe(maximal);
      const a = Math.floor(rnd() * size);
      const e = a + Math.floor(rnd() * (size - a));
      const unwritten = cells.subarray(a, e).filter((c) => c === -1).length;
      expect(runs.unwrittenBytes(BigInt(a), BigInt(e))).toBe(BigInt(unwritten));
      const buf = Uint8Array.from(cells, (c) => (c < 0 ? 0 : c));
      expect(runs.read(BigInt(a), BigInt(e - a))).toEqual(runsOf(buf, a, e - a));
    }
  });

  it('keeps positions past 2^53 exact', () => {
    const runs = new ByteRuns();
    const far = (1n << 62n) + 3n;
    runs.fill(far, 5n, 0xab);
    expect(runs.read(far - 1n, 7n)).toEqual([[0, 1, 0], [1, 5, 0xab], [6, 1, 0]]);
    expect(runs.length).toBe(1);
  });

  it.each([1, 2, 3, 4])('knows which bytes hold written data, written zeros included, over 300 random fills and clears (seed %i)', (seed) => {
    const rnd = lcg(seed);
    const size = 512;
    const written = new Uint8Array(size);
    const runs = new ByteRuns();
    for (let step = 0; step < 300; step++) {
      const pos = Math.floor(rnd() * size);
      const len = Math.floor(rnd() * (size - pos));
      const clear = rnd() < 0.4;
      written.fill(clear ? 0 : 1, pos, pos + len);
      if (clear) runs.clear(BigInt(pos), BigInt(len));
      else runs.fill(BigInt(pos), BigInt(len), rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 3));
      const a = Math.floor(rnd() * size);
      const b = a + Math.floor(rnd() * (size - a));
      const unwritten = written.subarray(a, b).filter((w) => w === 0).length;
      const first = written.subarray(a, b).indexOf(1);
      expect(runs.unwrittenBytes(BigInt(a), BigInt(b))).toBe(BigInt(unwritten));
      expect(runs.firstWritten(BigInt(a), BigInt(b))).toBe(BigInt(first < 0 ? b : a + first));
    }
  });

  it('keeps a run of written zeros, which reads as zeros like bytes never written', () => {
    const runs = new ByteRuns();
    runs.fill(4096n, 4096n, 0);
    expect(runs.read(0n, 12288n)).toEqual([[0, 12288, 0]]);
    expect(runs.unwrittenBytes(0n, 12288n)).toBe(8192n);
    expect(runs.firstWritten(0n, 12288n)).toBe(4096n);
    runs.clear(4096n, 100n);
    expect(runs.firstWritten(0n, 12288n)).toBe(4196n);
  });

  it('merges touching runs of one byte and drops cleared ones', () => {
    const runs = new ByteRuns();
    runs.fill(0n, 10n, 7);
    runs.fill(10n, 10n, 7);
    expect(runs.length).toBe(1);
    runs.clear(0n, 20n);
    expect(runs.length).toBe(0);
  });
});

describe('ByteRuns.pagesWritten', () => {
  it('counts each page holding a written byte once, written zeros included, cleared bytes not', () => {
    const b = new ByteRuns();
    expect(b.pagesWritten()).toBe(0);
    b.fill(0n, 1n, 7);          // page 0
    b.fill(100n, 10n, 0);       // page 0 again, zeros
    b.fill(4095n, 2n, 9);       // pages 0 and 1
    b.fill(3n * 4096n, 8192n, 5); // pages 3 and 4
    expect(b.pagesWritten()).toBe(4);
    b.clear(3n * 4096n, 4096n);
    expect(b.pagesWritten()).toBe(3);
  });
});

describe('ByteRuns.pagesWritten, kept as runs change', () => {
  it('equals a page-by-page count after every fill and clear of a random sequence', () => {
    const next = lcg(11);
    const b = new ByteRuns();
    const span = 64 * 4096;
    for (let step = 0; step < 400; step++) {
      const pos = BigInt(Math.floor(next() * span));
      const len = BigInt(1 + Math.floor(next() * 3 * 4096));
      if (next() < 0.6) b.fill(pos, len, Math.floor(next() * 3)); else b.clear(pos, len);
      let naive = 0;
      for (let p = 0n; p < BigInt(span + 4 * 4096); p += 4096n) if (b.firstWritten(p, p + 4096n) < p + 4096n) naive++;
      expect(b.pagesWritten(), `step ${step}`).toBe(naive);
    }
  });
});
