import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/script/index.js';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { compareObservations, layoutDigest } from '../../src/script/index.js';

const base: Observation = {
  i: 3, line: 7, op: 'fpunch 1m 64k', ret: 0n, folios: [[0, 9, 1]], stats: {}, size: 2097152n, blocks: 4096n,
};
const obs = (o: Partial<Observation>): Observation => ({ ...base, ...o });

describe('compareObservations (product.md §2 comparison rules)', () => {
  it('finds nothing to report between identical observations', () => {
    expect(compareObservations(base, obs({}))).toEqual({});
  });

  it('compares uptodate folios inside EOF exactly', () => {
    const d = compareObservations(obs({ folios: [[0, 8, 1], [256, 8, 1]] }), base);
    expect(d).toEqual({ folios: [[[0, 8, 1], [256, 8, 1]], [[0, 9, 1]]] });
  });

  it('takes a not-uptodate run as the pages it covers, whatever the tiling', () => {
    const model = obs({ folios: [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 2, 1]] });
    const kernel = obs({ folios: [[0, 2, 0], [4, 2, 1]] });
    expect(compareObservations(model, kernel)).toEqual({});
  });

  it('tells a not-uptodate run from an uptodate one over the same pages', () => {
    expect(Object.keys(compareObservations(obs({ folios: [[0, 9, 0]] }), base))).toEqual(['folios']);
  });

  it('takes the kernel\'s blind pages as the model\'s uptodate folios wholly past EOF', () => {
    const model = obs({ folios: [[0, 9, 1], [512, 8, 1], [768, 8, 1]], size: 4096n });
    const kernel = obs({ folios: [[0, 9, 1]], blind: [[512, 512]], size: 4096n });
    expect(compareObservations(model, kernel)).toEqual({});
  });

  it('reports folios and blind when blind pages do not match the model\'s folios there', () => {
    const model = obs({ folios: [[0, 9, 1], [512, 8, 1]], size: 4096n });
    const kernel = obs({ folios: [[0, 9, 1]], blind: [[512, 512]], size: 4096n });
    expect(compareObservations(model, kernel)).toEqual({
      folios: [[[0, 9, 1], [512, 8, 1]], [[0, 9, 1]]],
      blind: [[], [[512, 512]]],
    });
  });

  it('keeps an uptodate folio straddling EOF exact', () => {
    const d = compareObservations(obs({ folios: [[0, 9, 1]], size: 4096n }), obs({ folios: [[0, 8, 1], [256, 8, 1]], size: 4096n }));
    expect(Object.keys(d)).toEqual(['folios']);
  });

  it('compares stats regardless of key order, and exactly otherwise', () => {
    const a = obs({ stats: { '32kB': { shmem_alloc: 1 }, '16kB': { shmem_alloc: 1 } } });
    const b = obs({ stats: { '16kB': { shmem_alloc: 1 }, '32kB': { shmem_alloc: 1 } } });
    expect(compareObservations(a, b)).toEqual({});
    expect(compareObservations(a, obs({ stats: { '32kB': { shmem_alloc: 2 }, '16kB': { shmem_alloc: 1 } } }))).toHaveProperty('stats');
  });

  it('reports every other differing field with both values', () => {
    const d = compareObservations(
      obs({ ret: 'ENXIO', size: 2n ** 60n, blocks: 8n, data: [[0, 4096, 0]] }),
      obs({ i: 4, line: 8, op: 'seek -d 0' }),
    );
    expect(d).toEqual({
      i: [3, 4], line: [7, 8], op: ['fpunch 1m 64k', 'seek -d 0'], ret: ['ENXIO', 0n],
      size: [2n ** 60n, 2097152n], blocks: [8n, 4096n], data: [[[0, 4096, 0]], null],
    });
  });
});

describe('layoutDigest', () => {
  // Seeded, so the property test is deterministic.
  function rng(seed: number): () => number {
    const g = xoroshiro128plus(seed);
    return () => uniformFloat64(g);
  }

  /** A random sorted layout of aligned folios over 64 pages. */
  function layout(r: () => number): Array<[number, number, 0 | 1]> {
    const out: Array<[number, number, 0 | 1]> = [];
    let p = 0;
    while (p < 64) {
      let order = Math.floor(r() * 4);
      while (p % 2 ** order !== 0) order--;
      if (r() < 0.7) out.push([p, order, r() < 0.5 ? 1 : 0]);
      p += 2 ** order;
    }
    return out;
  }

  /** The same page cache as product.md §2 sees it: not-uptodate folios split into order-0 pieces, uptodate folios past EOF as blind runs. */
  function retiled(folios: ReadonlyArray<readonly [number, number, 0 | 1]>, eofPage: number): Pick<Observation, 'folios' | 'blind'> {
    const out: Array<[number, number, 0 | 1]> = [];
    const blind: Array<[number, number]> = [];
    for (const [p, o, u] of folios) {
      if (u === 0) for (let k = 0; k < 2 ** o; k++) out.push([p + k, 0, 0]);
      else if (p >= eofPage) blind.push([p, 2 ** o]);
      else out.push([p, o, u]);
    }
    return blind.length > 0 ? { folios: out, blind } : { folios: out };
  }

  const digest = (o: Observation): number => layoutDigest(o.folios, o.blind, o.size);

  it('is equal for every tiling compareObservations takes as the same page cache', () => {
    const r = rng(7);
    for (let n = 0; n < 500; n++) {
      const size = BigInt(Math.floor(r() * 80 * 4096));
      const a = obs({ folios: layout(r), size });
      const b = obs({ ...retiled(a.folios, Number((size + 4095n) / 4096n)), size });
      expect(compareObservations(a, b)).toEqual({});
      expect(digest(b)).toBe(digest(a));
    }
  });

  it('differs exactly when compareObservations reports folios, over random pairs', () => {
    const r = rng(11);
    let differing = 0;
    for (let n = 0; n < 2000; n++) {
      const size = BigInt(Math.floor(r() * 8) * 4096 * 8);
      const a = obs({ folios: layout(r), size });
      const b = obs({ folios: r() < 0.3 ? a.folios : layout(r), size });
      const same = compareObservations(a, b)['folios'] === undefined;
      if (!same) differing++;
      expect(digest(a) === digest(b)).toBe(same);
    }
    expect(differing).toBeGreaterThan(1000);
  });

  it('tells an uptodate folio from a not-uptodate run over the same words', () => {
    expect(digest(obs({ folios: [[0, 3, 1]], size: 65536n }))).not.toBe(digest(obs({ folios: [[0, 0, 0], [1, 0, 0], [2, 0, 0]], size: 65536n })));
  });

  it('takes blind pages as a set: overlapping runs and folios past EOF count each page once', () => {
    const model = obs({ folios: [[0, 9, 1], [512, 8, 1], [768, 8, 1]], size: 4096n });
    const kernel = obs({ folios: [[0, 9, 1]], blind: [[512, 300], [700, 324], [512, 10]], size: 4096n });
    expect(compareObservations(model, kernel)).toEqual({});
    expect(digest(kernel)).toBe(digest(model));
    expect(digest(obs({ ...kernel, blind: [[512, 511]] }))).not.toBe(digest(model));
  });

  it('tells an uptodate folio inside EOF from blind pages over the same pages', () => {
    const exact = obs({ folios: [[0, 0, 1], [8, 3, 1]], size: 65536n });
    const blind = obs({ folios: [[0, 0, 1]], blind: [[8, 8]], size: 65536n });
    expect(Object.keys(compareObservations(exact, blind))).toEqual(['folios', 'blind']);
    expect(digest(exact)).not.toBe(digest(blind));
  });

  it('does not depend on the order folios are listed in', () => {
    const folios: Array<[number, number, 0 | 1]> = [[0, 2, 1], [4, 2, 0], [8, 3, 1], [16, 4, 0]];
    expect(digest(obs({ folios: [...folios].reverse(), size: 40960n }))).toBe(digest(obs({ folios, size: 40960n })));
  });

  it('is 0 for an empty page cache', () => {
    expect(digest(obs({ folios: [], size: 0n }))).toBe(0);
  });

  it('fits in 53 bits', () => {
    const d = digest(base);
    expect(Number.isSafeInteger(d)).toBe(true);
    expect(d).toBeGreaterThanOrEqual(0);
  });
});
