/**
 * pread (product.md §2 `ret` and `data`; kernel.md §2.4): bytes read, short at EOF, 0 past
 * EOF, run-length data relative to the read, and holes never allocate.
 */
import { describe, expect, it } from 'vitest';
import { M, folios, last } from './_helpers.js';

describe('pread: results', () => {
  const FILE_12K = ['mount tmpfs', 'pwrite -S 0xab 0 8k', 'truncate 12k'];

  it('returns 12288 bytes with runs [0,8192,171] [8192,4096,0] for pread 0 16k on a 12k file', () => {
    const o = last([...FILE_12K, 'pread 0 16k']);
    expect(o.ret).toBe(12288n);
    expect(o.data).toEqual([[0, 8192, 171], [8192, 4096, 0]]);
  });

  it('gives data offsets relative to the read', () => {
    const o = last([...FILE_12K, 'pread 4k 8k']);
    expect(o.ret).toBe(8192n);
    expect(o.data).toEqual([[0, 4096, 171], [4096, 4096, 0]]);
  });

  it('reads short at EOF', () => {
    const o = last([...FILE_12K, 'pread 10k 4k']);
    expect(o.ret).toBe(2048n);
    expect(o.data).toEqual([[0, 2048, 0]]);
  });

  it.each(['pread 12k 4k', 'pread 12289 1', 'pread 1m 4k'])('returns 0 bytes and no runs past EOF: %s', (line) => {
    // kernel.md silent; measured on 6.18.44 (agrees) (product.md §2): a 0-byte read is read as `data: []`, not a missing field.
    const o = last([...FILE_12K, line]);
    expect(o.ret).toBe(0n);
    expect(o.data).toEqual([]);
  });

  it('reads the default pwrite byte 0xcd', () => {
    const o = last(['mount tmpfs', 'pwrite 0 10', 'pread 0 10']);
    expect(o.ret).toBe(10n);
    expect(o.data).toEqual([[0, 10, 0xcd]]);
  });

  it('reads overlapping writes as the last byte written', () => {
    const o = last(['mount tmpfs', 'pwrite -S 1 0 8k', 'pwrite -S 2 4k 100', 'pread 0 8k']);
    expect(o.data).toEqual([[0, 4096, 1], [4096, 100, 2], [4196, 3996, 1]]);
  });

  it('reads the unwritten part of a huge=always folio as zeros', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite -S 0xab 0 4k', 'truncate 8k', 'pread 0 8k']);
    expect(o.ret).toBe(8192n);
    expect(o.data).toEqual([[0, 4096, 0xab], [4096, 4096, 0]]);
  });

  it('changes nothing: folios, size, blocks and stats stay', () => {
    const o = last([...FILE_12K, 'pread 0 16k']);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.size).toBe(12288n);
    expect(o.blocks).toBe(16n);
    expect(o.stats).toEqual({});
  });
});

describe('pread: holes never allocate (kernel.md §2.4)', () => {
  it.each(['always', 'within_size', 'advise', 'never'])(
    'reads zeros and allocates nothing from a hole-only file on huge=%s',
    (huge) => {
      const o = last([`mount tmpfs huge=${huge}`, 'truncate 4m', 'pread 0 4m']);
      expect(o.ret).toBe(4n * M);
      expect(o.data).toEqual([[0, 4194304, 0]]);
      expect(o.folios).toEqual([]);
      expect(o.blocks).toBe(0n);
      expect(o.stats).toEqual({});
    },
  );

  it('leaves a huge=always file at 0:9 after reading its hole at 2M', () => {
    const o = last(['mount tmpfs huge=always', 'truncate 4m', 'pwrite 0 4k', 'pread 2m 2m']);
    expect(o.ret).toBe(2n * M);
    expect(o.data).toEqual([[0, 2097152, 0]]);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.blocks).toBe(4096n);
  });

  it('leaves an order-0 file with a hole between pages unchanged', () => {
    const o = last(['mount tmpfs', 'pwrite -S 9 0 4k', 'pwrite -S 9 8k 4k', 'pread 0 12k']);
    expect(o.data).toEqual([[0, 4096, 9], [4096, 4096, 0], [8192, 4096, 9]]);
    expect(o.folios).toEqual(folios('0:0 2:0'));
    expect(o.blocks).toBe(16n);
  });

  it('reads zeros from a memfd hole without allocating', () => {
    const o = last(['thp shmem_enabled=always', 'mount memfd', 'truncate 2m', 'pread 0 2m']);
    expect(o.data).toEqual([[0, 2097152, 0]]);
    expect(o.folios).toEqual([]);
  });
});
