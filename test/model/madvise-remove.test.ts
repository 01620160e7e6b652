import { describe, expect, it } from 'vitest';
import { layout, run } from './_helpers.js';

// Measured on Linux 6.18 through the probe (kernel.md §3.1, §11 "madvise alignment").
describe('madvise(MADV_REMOVE)', () => {
  it('removes the whole last page of a range that ends inside it (fpunch would only zero it)', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 2m', 'pwrite 2m 4k', 'mmap', 'madvise -R 2m 2316', 'fpunch 4k 100']);
    expect([obs[4]!.ret, layout(obs[4]!), obs[4]!.blocks]).toEqual([0n, '0-511:0', 4096n]);
    expect([layout(obs[5]!), obs[5]!.blocks]).toEqual(['0-511:0', 4096n]);
  });

  it('refuses an unaligned start with EINVAL and punches nothing', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 16k', 'mmap', 'madvise -R 1000 4k']);
    expect([obs[3]!.ret, layout(obs[3]!)]).toEqual(['EINVAL', '0-3:0']);
  });

  it('punches whole pages and reads back zeros there', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 16k', 'mmap', 'madvise -R 4k 8k', 'pread 0 16k']);
    expect(layout(obs[3]!)).toBe('0:0 3:0');
    expect(obs[4]!.data).toEqual([[0, 4096, 0xcd], [4096, 8192, 0], [12288, 4096, 0xcd]]);
  });

  it('splits a PMD folio like fpunch: 64K at 1M', () => {
    const o = run(['mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'madvise -R 1m 64k']).at(-1)!;
    expect(layout(o)).toBe('0:8 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7');
    expect([o.stats, o.blocks]).toEqual([{ '2048kB': { split: 1 }, '64kB': { split: 1 } }, 3968n]);
  });

  it('counts a failed split of the pinned piece for its own order and keeps the bytes zeroed', () => {
    const obs = run(['mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'madvise -R 1m 64k', 'pin 0 4k', 'madvise -R 0 64k', 'pread 0 64k']);
    expect([obs[5]!.ret, obs[5]!.stats, obs[5]!.blocks]).toEqual([0n, { '1024kB': { split_failed: 1 } }, 3968n]);
    expect(obs[6]!.data).toEqual([[0, 65536, 0]]);
  });
});

describe('reclaim on the internal superblock', () => {
  it('splits a memfd EOF folio like a tmpfs one', () => {
    const o = run(['thp shmem_enabled=always', 'mount memfd', 'pwrite 0 4k', 'reclaim', 'thp shmem_enabled=never']).at(-2)!;
    expect([layout(o), o.stats, o.blocks]).toEqual(['0:0', { '2048kB': { split: 1 } }, 8n]);
  });

  it('truncating anonymous shared memory splits its mTHP folio and drops the tail', () => {
    const o = run(['thp hugepages-64kB=always', 'mount anon 4m', 'mread 0 4k', 'truncate 8k', 'thp hugepages-64kB=never']).at(-2)!;
    expect([layout(o), o.stats, o.blocks]).toEqual(['0:1', { '64kB': { split: 1 } }, 16n]);
  });
});
