/**
 * The DecisionSink (src/model/decisions.ts): what the model reports about its choices when one
 * is attached — each allocation's order chain, each split's cause and split point, each
 * collapse block's outcome — and that the page cache is the same with or without one.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/model/decisions.js';
import { Shmem } from '../../src/model/shmem.js';

const K = 1024n;
const M = 1024n * K;

/** A model with a sink that keeps every decision, and one without. */
function pair(): { told: Decision[]; models: Shmem[] } {
  const told: Decision[] = [];
  return { told, models: [new Shmem({ emit: () => undefined }, { decide: (d) => void told.push(d) }), new Shmem({ emit: () => undefined })] };
}

describe('DecisionSink', () => {
  it('is told the order chain of an allocation: each stage\'s mask and the values it read', () => {
    const { told, models } = pair();
    for (const m of models) {
      m.mountTmpfs('within_size', undefined);
      m.pwrite(0xcd, 0n, 60n * K);
    }
    expect(models[0]!.folios()).toEqual(models[1]!.folios());
    const first = told[0]!;
    expect(first).toMatchObject({
      type: 'allocation', sgp: 'write', index: 0, folioIndex: 0, order: 3, global: 'never', huge: 'within_size',
      internal: false, vma: null, perSize: null, iSize: 0n, writeEnd: 60n * K,
      globalOrders: 0b1110, allowableOrders: 0b1110, vmaOrders: 0b1110, suitableOrders: 0b1110,
    });
    expect(told.map((d) => (d.type === 'allocation' ? d.order : -1))).toEqual([3, 2, 1, 0]);
  });

  it.each([
    ['a punch: around its first page, then around the page after it', ['fpunch'], [['punch', 256, false, true], ['punch', 272, true, true]]],
    ['a truncate: around the new EOF page', ['truncate'], [['truncate', 257, false, true]]],
    ['a pinned punch: refused, with the pin count', ['pin', 'fpunch'], [['punch', 256, false, false]]],
  ] as const)('is told the cause of each split of %s', (_title, ops, expected) => {
    const { told, models } = pair();
    const m = models[0]!;
    m.mountTmpfs('always', undefined);
    m.pwrite(0xcd, 0n, 2n * M);
    told.length = 0;
    for (const op of ops) {
      if (op === 'pin') { m.mmap(0n, undefined); m.pin({ pos: M, len: 4096n }); told.length = 0; }
      if (op === 'fpunch') m.fpunch(M, 64n * K);
      if (op === 'truncate') m.truncate(M + 4n * K);
    }
    expect(told.map((d) => (d.type === 'split' ? [d.cause, d.at, d.afterRange, d.ok] : d.type))).toEqual(expected);
    if (ops[0] === 'pin') expect(told[0]).toMatchObject({ pins: 1 });
  });

  it('is told the EOF shrinker\'s uniform splits, by reclaim or by the size= limit', () => {
    const { told, models } = pair();
    const m = models[0]!;
    m.mountTmpfs('always', 4n * M);
    m.pwrite(0xcd, 0n, 4096n);
    m.open('b');
    m.pwrite(0xcd, 0n, 4096n);
    told.length = 0;
    m.open('c');
    m.pwrite(0xcd, 0n, 4096n);
    expect(told.map((d) => (d.type === 'split' ? [d.cause, d.at, d.ok] : d.type))).toEqual([['size_limit', null, true], ['size_limit', null, true], 'allocation']);
  });

  it('is told each collapse block\'s outcome: collapsed, then the empty block that ends MADV_COLLAPSE', () => {
    const { told, models } = pair();
    const m = models[0]!;
    m.mountTmpfs('never', undefined);
    m.pwrite(0xcd, 0n, 400n * K);
    m.truncate(4n * M);
    m.mmap(0n, undefined);
    told.length = 0;
    expect(m.collapse(undefined)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(told.map((d) => (d.type === 'collapse' ? [d.context, d.result, d.index, d.present] : d.type))).toEqual([
      ['madvise', 'collapsed', 0, 100], ['madvise', 'empty', 512, 0],
    ]);
  });
});
