/**
 * `pin` / `unpin` (product.md §1): extra references on every page of the range, faulting holes
 * in as GUP does; `ret` is the bytes pinned, fewer when a later page cannot be faulted in, and
 * `EFAULT` when the first cannot (kernel.md §7, §11).
 */
import { describe, expect, it } from 'vitest';
import { K, folios, last, run, titled } from './_helpers.js';

describe('pin: bytes pinned and EFAULT', () => {
  it('returns 12288 for pin 0 64k on a 10k file mapped 64k: it stops at the first page past EOF', () => {
    const o = last(['mount tmpfs huge=never', 'truncate 10k', 'mmap 0 64k', 'pin 0 64k']);
    expect(o.ret).toBe(12288n);
    expect(o.folios).toEqual(folios('0-2:0'));
    expect(o.blocks).toBe(24n);
    expect(o.size).toBe(10n * K);
  });

  it('returns EFAULT when the first page to pin lies past EOF, allocating nothing', () => {
    const o = last(['mount tmpfs huge=never', 'truncate 10k', 'mmap 0 64k', 'pin 12k 4k']);
    expect(o.ret).toBe('EFAULT');
    expect(o.folios).toEqual([]);
    expect(o.blocks).toBe(0n);
  });

  it('returns EFAULT for pin 16k 8k on a 10k file mapped 64k', () => {
    const o = last(['mount tmpfs huge=never', 'truncate 10k', 'mmap 0 64k', 'pin 16k 8k']);
    expect(o.ret).toBe('EFAULT');
  });

  it('returns 4096 for pin 4k 16k on an 8k file: one page pinned before EOF', () => {
    const o = last(['mount tmpfs huge=never', 'truncate 8k', 'mmap 0 64k', 'pin 4k 16k']);
    expect(o.ret).toBe(4096n);
    expect(o.folios).toEqual(folios('1:0'));
  });

  it('returns the bytes pinned counted from an unaligned start', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): vmsplice pins from the start byte; the bytes up to the failing page count.
    const o = last(['mount tmpfs huge=never', 'truncate 8k', 'mmap 0 16k', 'pin 100 12k']);
    expect(o.ret).toBe(8192n - 100n);
    expect(o.folios).toEqual(folios('0-1:0'));
  });

  it('returns LEN when every page of the range can be faulted in', () => {
    const o = last(['mount tmpfs huge=never', 'truncate 16k', 'mmap', 'pin 4k 8k']);
    expect(o.ret).toBe(8192n);
    expect(o.folios).toEqual(folios('1-2:0'));
  });

  it('returns 10240 for a bare pin on mount anon 10k: the mapping length as given', () => {
    const o = last(['mount anon 10k', 'pin']);
    expect(o.ret).toBe(10240n);
    expect(o.folios).toEqual(folios('0-2:0'));
  });

  it('returns the whole file size for a bare pin of a default mmap', () => {
    const o = last(['mount memfd', 'truncate 12k', 'mmap', 'pin']);
    expect(o.ret).toBe(12288n);
  });

  it('returns EFAULT for a bare pin once truncate 0 left the whole mapping past EOF', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): GUP on the first page past EOF fails, so nothing is pinned.
    const o = last(['mount tmpfs', 'truncate 4k', 'mmap 0 8k', 'truncate 0', 'pin']);
    expect(o.ret).toBe('EFAULT');
    expect(o.folios).toEqual([]);
  });
});

describe('pin faults holes in', () => {
  it('faults 0:4 in for pin 0 4k on anon 4M with 64kB=always, counting shmem_alloc', () => {
    const o = last(['thp hugepages-64kB=always', 'mount anon 4m', 'pin 0 4k']);
    expect(o.ret).toBe(4096n);
    expect(o.folios).toEqual(folios('0:4'));
    expect(o.stats).toEqual({ '64kB': { shmem_alloc: 1 } });
    expect(o.blocks).toBe(128n);
  });

  it('faults 0:9 in for pin 0 4k on a huge=always tmpfs file mapped 2M', () => {
    const o = last(['mount tmpfs huge=always', 'truncate 2m', 'mmap', 'pin 0 4k']);
    expect(o.folios).toEqual(folios('0:9'));
    expect(o.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
  });

  it('pins a present folio without allocating', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'mmap', 'pin']);
    expect(o.ret).toBe(4096n);
    expect(o.folios).toEqual(folios('0:9'));
    expect(o.stats).toEqual({});
  });

  it('pins zeroed uptodate pages: pread after the pin reads zeros', () => {
    const o = last(['mount memfd', 'truncate 8k', 'mmap', 'pin', 'pread 0 8k']);
    expect(o.data).toEqual([[0, 8192, 0]]);
    expect(o.folios).toEqual(folios('0-1:0'));
  });
});

describe('unpin', () => {
  it('returns 0 for a bare unpin without a mapping', () => {
    const o = last(['mount tmpfs', 'unpin']);
    expect(o.ret).toBe(0n);
  });

  it('returns 0 for a bare unpin before any mount', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): a bare unpin only drops the pins the script holds (none here).
    const o = last(['unpin']);
    expect(o.ret).toBe(0n);
  });

  it('returns 0 for a bare unpin after pins, leaving the page cache alone', () => {
    const o = last(['mount tmpfs', 'truncate 8k', 'mmap', 'pin', 'unpin']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.stats).toEqual({});
  });

  it('returns 0 for unpin of a range inside the mapping', () => {
    const o = last(['mount tmpfs', 'truncate 8k', 'mmap', 'pin', 'unpin 0 4k']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0-1:0'));
  });

  it.each(titled([
    { title: 'starting at the mapping end (unpin 8k 4k)', op: 'unpin 8k 4k' },
    { title: 'running past the mapping end (unpin 4k 8k)', op: 'unpin 4k 8k' },
  ]))('returns EINVAL for unpin of a range outside the mapping, %s', (_title, { op }) => {
    const o = last(['mount tmpfs', 'truncate 8k', 'mmap', 'pin', op]);
    expect(o.ret).toBe('EINVAL');
  });

  it('returns EINVAL for unpin OFF LEN without a mapping', () => {
    const o = last(['mount tmpfs', 'truncate 8k', 'unpin 0 4k']);
    expect(o.ret).toBe('EINVAL');
  });

  it('returns EINVAL for pin 0 4k without a mapping', () => {
    const o = last(['mount tmpfs', 'truncate 8k', 'pin 0 4k']);
    expect(o.ret).toBe('EINVAL');
    expect(o.folios).toEqual([]);
  });

  it('returns EINVAL for pin of a range outside the mapping', () => {
    const o = last(['mount tmpfs', 'truncate 16k', 'mmap 0 8k', 'pin 8k 4k']);
    expect(o.ret).toBe('EINVAL');
    expect(o.folios).toEqual([]);
  });

  it('keeps pins across open and mount: a bare unpin later still returns 0', () => {
    const obs = run(['mount tmpfs', 'truncate 8k', 'mmap', 'pin', 'open g', 'mount memfd', 'unpin']);
    expect(obs[3]!.ret).toBe(8192n);
    expect(obs[6]!.ret).toBe(0n);
  });
});
