/**
 * falloc (fallocate mode 0 and KEEP_SIZE) on shmem, kernel.md §5 (and §4 for SEEK): new folios
 * are sized by the huge setting with write_end = off + len, stay not uptodate, and the walk
 * jumps to each folio's end; a second fallocate zeroes and marks uptodate; i_size grows unless
 * KEEP_SIZE; fallocend protects KEEP_SIZE folios past EOF. Also fzero and the errno edge cases
 * of vfs_fallocate(). ENOSPC and the failure cleanup are in enospc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { K, M, allocStats, blocksOf, folios, last, nth, run, titled } from './_helpers.js';

describe('falloc: layouts of kernel.md §5', () => {
  it.each(titled([
    { title: 'fallocate(0, 0, 64K) on huge=always → 0:9', huge: 'always', op: 'falloc 0 64k', layout: '0:9*', size: 64n * K },
    { title: 'fallocate(0, 0, 64K) on huge=within_size → 0:4', huge: 'within_size', op: 'falloc 0 64k', layout: '0:4*', size: 64n * K },
    { title: 'fallocate(0, 0, 64K) on huge=advise → order 0', huge: 'advise', op: 'falloc 0 64k', layout: '0-15:0*', size: 64n * K },
    { title: 'fallocate(0, 0, 64K) on huge=never → order 0', huge: 'never', op: 'falloc 0 64k', layout: '0-15:0*', size: 64n * K },
    { title: 'KEEP_SIZE(0, 64K) on huge=within_size → 0:4 past EOF', huge: 'within_size', op: 'falloc -k 0 64k', layout: '0:4*', size: 0n },
    { title: 'KEEP_SIZE(0, 64K) on huge=always → 0:9 past EOF', huge: 'always', op: 'falloc -k 0 64k', layout: '0:9*', size: 0n },
    { title: 'fallocate(0, 4K, 4K) on huge=always → 0:9', huge: 'always', op: 'falloc 4k 4k', layout: '0:9*', size: 8n * K },
    { title: 'fallocate(0, 4K, 4K) on huge=within_size → 0:1', huge: 'within_size', op: 'falloc 4k 4k', layout: '0:1*', size: 8n * K },
    { title: 'fallocate(0, 0, 3M) on huge=always → 0:9 512:9', huge: 'always', op: 'falloc 0 3m', layout: '0:9* 512:9*', size: 3n * M },
    { title: 'fallocate(0, 0, 3M) on huge=within_size → 0:9 512:8', huge: 'within_size', op: 'falloc 0 3m', layout: '0:9* 512:8*', size: 3n * M },
  ]))('%s', (_title, { huge, op, layout, size }) => {
    const o = last([`mount tmpfs huge=${huge}`, op]);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios(layout));
    expect(o.stats).toEqual(allocStats(layout));
    expect(o.blocks).toBe(blocksOf(layout));
    expect(o.size).toBe(size);
  });

  it('splits a fallocated 0:9 on a punch of 64K@1M like an uptodate one, pieces staying not uptodate', () => {
    const o = last(['mount tmpfs huge=always', 'falloc 0 2m', 'fpunch 1m 64k']);
    expect(o.folios).toEqual(folios('0:8* 272-273:0* 274:1* 276:2* 280:3* 288:5* 320:6* 384:7*'));
    expect(o.stats).toEqual({ '2048kB': { split: 1 }, '64kB': { split: 1 } });
    expect(o.blocks).toBe(3968n);
  });

  it('follows memfd on the global knob: always → 0:9', () => {
    const o = last(['thp shmem_enabled=always', 'mount memfd', 'falloc 0 64k']);
    expect(o.folios).toEqual(folios('0:9*'));
  });
});

describe('falloc: uptodate and SEEK (kernel.md §4, §5)', () => {
  it('leaves fallocated, unwritten folios a hole: SEEK_DATA ENXIO, SEEK_HOLE 0', () => {
    const obs = run(['mount tmpfs huge=always', 'falloc 0 2m', 'seek -d 0', 'seek -h 0']);
    expect(obs[2]!.ret).toBe('ENXIO');
    expect(obs[3]!.ret).toBe(0n);
  });

  it('zeroes and marks uptodate the existing folios on a second fallocate, without allocating', () => {
    const obs = run(['mount tmpfs huge=always', 'falloc 0 2m', 'falloc 4k 4k', 'seek -d 0', 'seek -h 0']);
    expect(obs[2]!.folios).toEqual(folios('0:9'));
    expect(obs[2]!.stats).toEqual({});
    expect(obs[2]!.size).toBe(2n * M);
    expect(obs[3]!.ret).toBe(0n);
    expect(obs[4]!.ret).toBe(2n * M);
  });

  it('marks only the order-0 folios of the second range uptodate', () => {
    const o = last(['mount tmpfs huge=never', 'falloc 0 64k', 'falloc 16k 8k']);
    expect(o.folios).toEqual(folios('0-3:0* 4-5:0 6-15:0*'));
  });

  it('turns all 2 MiB into data when 4K is written into a fallocated order-9 folio', () => {
    const obs = run(['mount tmpfs huge=always', 'falloc 0 2m', 'pwrite 4k 4k', 'seek -h 0', 'pread 0 16k']);
    expect(obs[2]!.folios).toEqual(folios('0:9'));
    expect(obs[2]!.stats).toEqual({});
    expect(obs[3]!.ret).toBe(2n * M);
    expect(obs[4]!.data).toEqual([[0, 4096, 0], [4096, 4096, 0xcd], [8192, 8192, 0]]);
  });

  it('turns only the written page into data with order-0 folios', () => {
    const obs = run(['mount tmpfs huge=never', 'falloc 0 64k', 'pwrite 8k 4k', 'seek -d 0', 'seek -h 8k']);
    expect(obs[2]!.folios).toEqual(folios('0-1:0* 2:0 3-15:0*'));
    expect(obs[3]!.ret).toBe(8n * K);
    expect(obs[4]!.ret).toBe(12n * K);
  });

  it('reads fallocated ranges as zeros without changing anything', () => {
    const o = last(['mount tmpfs huge=always', 'falloc 0 2m', 'pread 0 8k']);
    expect(o.ret).toBe(8192n);
    expect(o.data).toEqual([[0, 8192, 0]]);
    expect(o.folios).toEqual(folios('0:9*'));
  });
});

describe('falloc: i_size and fallocend', () => {
  it('keeps i_size when the range ends inside the file', () => {
    const o = last(['mount tmpfs huge=never', 'pwrite 0 100k', 'falloc 64k 8k']);
    expect(o.size).toBe(100n * K);
    expect(o.folios).toEqual(folios('0-24:0'));
  });

  it('grows i_size to off + len without KEEP_SIZE, even when not page aligned', () => {
    expect(last(['mount tmpfs huge=never', 'falloc 0 5000']).size).toBe(5000n);
  });

  it('allocates past EOF with KEEP_SIZE and leaves i_size', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 2m', 'falloc -k 2m 4k']);
    expect(o.folios).toEqual(folios('0:9 512:9*'));
    expect(o.size).toBe(2n * M);
    expect(o.blocks).toBe(8192n);
  });

  it('counts shmem_alloc for every large folio it allocates', () => {
    expect(nth(['mount tmpfs huge=within_size', 'falloc 0 60k'], 1).stats).toEqual(allocStats('0:3 8:2 12:1 14:0'));
  });
});

describe('falloc and fzero: refused calls', () => {
  it.each(titled([
    { title: 'falloc: EINVAL for a zero length', op: 'falloc 0 0', errno: 'EINVAL' },
    { title: 'falloc -k: EINVAL for a zero length', op: 'falloc -k 4k 0', errno: 'EINVAL' },
    { title: 'falloc: EFBIG past MAX_LFS_FILESIZE', op: 'falloc 0x7fffffffffffffff 1', errno: 'EFBIG' },
    { title: 'falloc: EFBIG for a range ending at 2^63', op: 'falloc 0x7ffffffffffff000 0x1000', errno: 'EFBIG' },
    { title: 'fzero: EOPNOTSUPP on shmem', op: 'fzero 0 4k', errno: 'EOPNOTSUPP' },
    { title: 'fzero: EINVAL first for a zero length', op: 'fzero 0 0', errno: 'EINVAL' },
    { title: 'fzero: EFBIG first past MAX_LFS_FILESIZE', op: 'fzero 0x7fffffffffffffff 1', errno: 'EFBIG' },
  ]))('%s', (_title, { op, errno }) => {
    const o = last(['mount tmpfs huge=always', op]);
    expect(o.ret).toBe(errno);
    expect(o.folios).toEqual([]);
    expect(o.stats).toEqual({});
    expect(o.size).toBe(0n);
  });

  it('answers EBADF without a file, and after a failed mount', () => {
    expect(last(['falloc 0 4k']).ret).toBe('EBADF');
    expect(last(['mount tmpfs huge=foo', 'falloc 0 4k']).ret).toBe('EBADF');
  });
});
