import { describe, expect, it } from 'vitest';
import { chunksOf, defaultChunkSeeds, maintenanceSeconds } from '../../src/campaign/index.js';

describe('chunksOf', () => {
  it('cuts a seed range into chunks of equal size, the last one shorter', () => {
    expect(chunksOf([1, 450], 200)).toEqual([{ chunk: 0, first: 1, last: 200 }, { chunk: 1, first: 201, last: 400 }, { chunk: 2, first: 401, last: 450 }]);
  });

  it('covers every seed exactly once whatever the size', () => {
    for (const size of [1, 7, 100, 1000]) {
      const seeds = chunksOf([5, 904], size).flatMap((c) => Array.from({ length: c.last - c.first + 1 }, (_, k) => c.first + k));
      expect(seeds).toEqual(Array.from({ length: 900 }, (_, k) => 5 + k));
    }
  });
});

describe('defaultChunkSeeds', () => {
  it('gives about 2,000 commands a chunk, between 1 and 1,000 seeds', () => {
    expect([1, 10, 20, 3000].map(defaultChunkSeeds)).toEqual([1000, 200, 100, 1]);
  });
});

describe('maintenanceSeconds', () => {
  it('looks for expired chunks every third of the lease, between 1 and 10 s', () => {
    expect([1, 3, 9, 30, 3600].map(maintenanceSeconds)).toEqual([1, 1, 3, 10, 10]);
  });
});
