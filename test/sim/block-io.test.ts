/**
 * xfs_io's `-b BSIZE` for `pwrite`/`pread` (product.md §1, corpus 237): calls of BSIZE bytes.
 * Without `-b` foliolog issues one call, which is what decides `within_size` orders.
 */
import { describe, expect, it } from 'vitest';
import { folios, run } from '../model/_helpers.js';

describe('pwrite -b BSIZE', () => {
  it('writes 60 KiB on huge=within_size as one call: 0:3 8:2 12:1 14:0', () => {
    expect(run(['mount tmpfs huge=within_size', 'pwrite 0 60k'])[1]!.folios).toEqual(folios('0:3 8:2 12:1 14:0'));
  });

  it('writes 60 KiB as xfs_io does by default (-b 4k): fifteen order-0 folios, each call seeing a smaller i_size', () => {
    const o = run(['mount tmpfs huge=within_size', 'pwrite -b 4k 0 60k'])[1]!;
    expect(o.ret).toBe(61440n);
    expect(o.folios).toEqual(folios('0-14:0'));
    expect(o.stats).toEqual({});
  });

  it('writes 60 KiB in 16 KiB calls: three 16 KiB folios, then 8 KiB and 4 KiB', () => {
    const o = run(['mount tmpfs huge=within_size', 'pwrite -b 16k 0 60k'])[1]!;
    expect(o.folios).toEqual(folios('0:2 4:2 8:2 12:1 14:0'));
    expect(o.stats).toEqual({ '16kB': { shmem_alloc: 3 }, '8kB': { shmem_alloc: 1 } });
  });

  it('fails the line with ENOSPC when a later call finds the size= limit full, keeping the bytes of earlier calls', () => {
    const obs = run(['mount tmpfs huge=always size=64k', 'pwrite -b 16k -S 0xaa 0 128k', 'pread 0 64k']);
    expect(obs[1]!.ret).toBe('ENOSPC');
    expect(obs[1]!.size).toBe(65536n);
    expect(obs[2]!.data).toEqual([[0, 65536, 0xaa]]);
  });

  it('makes one call for LEN 0', () => {
    expect(run(['mount memfd', 'pwrite -b 4k 0 0'])[1]!.ret).toBe(0n);
  });
});

describe('pread -b BSIZE', () => {
  it('joins the runs of its calls and stops at EOF', () => {
    const o = run(['mount memfd', 'pwrite -S 1 0 10k', 'pwrite -S 2 10k 10k', 'pread -b 3000 0 1m'])[3]!;
    expect(o.ret).toBe(20480n);
    expect(o.data).toEqual([[0, 10240, 1], [10240, 10240, 2]]);
  });

  it('fails with EINVAL when a call overflows loff_t', () => {
    const o = run(['mount memfd', 'pread -b 4k 0x7ffffffffffff000 16k'])[1]!;
    expect(o.ret).toBe('EINVAL');
    expect(o.data).toBeUndefined();
  });
});
