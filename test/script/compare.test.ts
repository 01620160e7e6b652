import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/script/index.js';
import { compareObservations } from '../../src/script/index.js';

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
