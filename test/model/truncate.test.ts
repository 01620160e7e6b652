/**
 * ftruncate in the first slice (kernel.md §3.1–§3.2): growing allocates nothing; shrinking
 * removes whole folios past the new EOF and keeps a partly cut order-0 folio with its tail
 * zeroed. Truncates that split a large folio are in truncate-split.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { K, M, blocksOf, folios, last, titled } from './_helpers.js';

describe('truncate: growing', () => {
  it.each(titled([
    { huge: 'always', write: 'pwrite 0 4k', to: '8m', size: 8n * M, expected: '0:9' },
    { huge: 'within_size', write: 'pwrite 0 64k', to: '1m', size: M, expected: '0:4' },
    { huge: 'never', write: 'pwrite 0 4k', to: '1m', size: M, expected: '0:0' },
  ].map((c) => ({ ...c, title: `allocates nothing when growing a huge=${c.huge} file to ${c.to}` }))))(
    '%s',
    (_title, { huge, write, to, size, expected }) => {
      const o = last([`mount tmpfs huge=${huge}`, write, `truncate ${to}`]);
      expect(o.ret).toBe(0n);
      expect(o.size).toBe(size);
      expect(o.folios).toEqual(folios(expected));
      expect(o.blocks).toBe(blocksOf(expected));
      expect(o.stats).toEqual({});
    },
  );

  it('allocates nothing when growing an empty huge=always file', () => {
    const o = last(['mount tmpfs huge=always', 'truncate 4m']);
    expect(o.size).toBe(4n * M);
    expect(o.folios).toEqual([]);
    expect(o.blocks).toBe(0n);
  });

  it('keeps the PMD folio as data after a grow: SEEK_HOLE(0) is 2M', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'truncate 3m', 'seek -h 0']);
    expect(o.ret).toBe(2n * M);
  });
});

describe('truncate: to zero', () => {
  it.each(titled([
    { huge: 'always', write: 'pwrite 0 4m' },
    { huge: 'always', write: 'pwrite 0 4k' },
    { huge: 'within_size', write: 'pwrite 0 60k' },
    { huge: 'never', write: 'pwrite 0 64k' },
  ].map((c) => ({ ...c, title: `removes every folio on huge=${c.huge} after ${c.write}` }))))(
    '%s',
    (_title, { huge, write }) => {
      const o = last([`mount tmpfs huge=${huge}`, write, 'truncate 0']);
      expect(o.ret).toBe(0n);
      expect(o.folios).toEqual([]);
      expect(o.size).toBe(0n);
      expect(o.blocks).toBe(0n);
      // Removing whole folios counts nothing (kernel.md §3.5).
      expect(o.stats).toEqual({});
    },
  );

  it('leaves nothing for SEEK_DATA after truncate to zero', () => {
    expect(last(['mount tmpfs huge=always', 'pwrite 0 4k', 'truncate 0', 'seek -d 0']).ret).toBe('ENXIO');
  });
});

describe('truncate: removing whole folios', () => {
  it('removes the second PMD folio when a 4M huge=always file is truncated to exactly 2M', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4m', 'truncate 2m']);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.size).toBe(2n * M);
    expect(o.blocks).toBe(4096n);
    expect(o.stats).toEqual({});
  });

  it('removes the PMD folio at 2M of an ftruncate-4M file written at 0 and 2M, truncated to 2M', () => {
    const o = last(['mount tmpfs huge=always', 'truncate 4m', 'pwrite 0 4k', 'pwrite 2m 4k', 'truncate 2m']);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.blocks).toBe(4096n);
    expect(o.stats).toEqual({});
  });

  it('changes only i_size when the new size lies in a hole after the last folio', () => {
    const o = last(['mount tmpfs huge=always', 'truncate 4m', 'pwrite 0 4k', 'truncate 3m']);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.size).toBe(3n * M);
    expect(o.blocks).toBe(4096n);
    expect(o.stats).toEqual({});
  });

  it('removes the 16:4 folio when a within_size 0:4 16:4 file is truncated to 64K', () => {
    const o = last(['mount tmpfs huge=within_size', 'pwrite 0 64k', 'pwrite 64k 64k', 'truncate 64k']);
    expect(o.folios).toEqual([[0, 4, 1]]);
    expect(o.size).toBe(64n * K);
    expect(o.blocks).toBe(128n);
    expect(o.stats).toEqual({});
  });

  it('removes the order-0 folios past a page-aligned new size', () => {
    const o = last(['mount tmpfs', 'pwrite 0 16k', 'truncate 8k']);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.size).toBe(8n * K);
    expect(o.blocks).toBe(16n);
    expect(o.stats).toEqual({});
  });
});

describe('truncate: mid-page on order-0 folios', () => {
  const CUT = ['mount tmpfs', 'pwrite -S 0xab 0 8k', 'truncate 6000'];

  it('keeps the page holding the new EOF', () => {
    const o = last(CUT);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.size).toBe(6000n);
    expect(o.blocks).toBe(16n);
    expect(o.stats).toEqual({});
  });

  it('returns 0 bytes for a pread past the new size', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) (product.md §2): a 0-byte read is read as `data: []`.
    const o = last([...CUT, 'pread 6000 100']);
    expect(o.ret).toBe(0n);
    expect(o.data).toEqual([]);
  });

  it('returns the written bytes only up to the new size for a pread inside', () => {
    const o = last([...CUT, 'pread 0 8k']);
    expect(o.ret).toBe(6000n);
    expect(o.data).toEqual([[0, 6000, 0xab]]);
  });

  it('reads the zeroed tail back as zeros after growing again', () => {
    const o = last([...CUT, 'truncate 8k', 'pread 0 8k']);
    expect(o.ret).toBe(8192n);
    expect(o.data).toEqual([[0, 6000, 0xab], [6000, 2192, 0]]);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.blocks).toBe(16n);
  });

  it('reads a removed page back as zeros after growing again, without allocating it', () => {
    const o = last(['mount tmpfs', 'pwrite -S 0xab 0 12k', 'truncate 6000', 'truncate 12k', 'pread 0 12k']);
    expect(o.ret).toBe(12288n);
    expect(o.data).toEqual([[0, 6000, 0xab], [6000, 6288, 0]]);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.blocks).toBe(16n);
  });

  it('keeps the remaining page as data: SEEK_HOLE(0) is the new size', () => {
    expect(last([...CUT, 'seek -h 0']).ret).toBe(6000n);
  });
});
