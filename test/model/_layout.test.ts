import { describe, expect, it } from 'vitest';
import { allocStats, blocksOf, folios, layout, sizeKey } from './_layout.js';

// The expected values of the model tests are computed with these helpers, so they are
// checked here on their own (no simulator involved).
describe('layout notation helpers', () => {
  it('expands an order-0 range into one triple per page', () => {
    expect(folios('1-4:0')).toEqual([[1, 0, 1], [2, 0, 1], [3, 0, 1], [4, 0, 1]]);
  });

  it('expands mixed orders and marks starred folios not uptodate', () => {
    expect(folios('0:3 8:2* 12:1 14:0')).toEqual([[0, 3, 1], [8, 2, 0], [12, 1, 1], [14, 0, 1]]);
  });

  it('expands an empty layout to no folios', () => {
    expect(folios('')).toEqual([]);
  });

  it('prints triples back in the same notation, collapsing order-0 runs only', () => {
    expect(layout(folios('0:4 16:3 24:2 28:1 30:0'))).toBe('0:4 16:3 24:2 28:1 30:0');
    expect(layout(folios('0:9 512:9'))).toBe('0:9 512:9');
    expect(layout(folios('1-16:0 18:0 20:1'))).toBe('1-16:0 18:0 20:1');
  });

  it('counts 8 blocks per page held', () => {
    expect(blocksOf('0:9 512:0')).toBe(4104n);
    expect(blocksOf('0:3 8:2 12:1 14:0')).toBe(120n);
    expect(blocksOf('')).toBe(0n);
  });

  it('names per-size stats as sysfs does', () => {
    expect([1, 4, 8, 9].map(sizeKey)).toEqual(['8kB', '64kB', '1024kB', '2048kB']);
  });

  it('counts one shmem_alloc per large folio and nothing for order 0', () => {
    expect(allocStats('0:9 512:9')).toEqual({ '2048kB': { shmem_alloc: 2 } });
    expect(allocStats('0:3 8:2 12:1 14:0')).toEqual({
      '32kB': { shmem_alloc: 1 },
      '16kB': { shmem_alloc: 1 },
      '8kB': { shmem_alloc: 1 },
    });
    expect(allocStats('0-15:0')).toEqual({});
  });
});
