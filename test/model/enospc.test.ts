/**
 * The tmpfs `size=` limit (kernel.md §2.3 step 6, §3.6, §11): a large folio that does not fit
 * runs the superblock's EOF shrinker for its page count, retries once, then falls back to
 * order 0 directly with no stats; order 0 failing is ENOSPC (short writes, SIGBUS faults,
 * EFAULT pins); fallocate's up-front ENOSPC and its failure cleanup. Every scenario was
 * measured on 6.18 with the probe.
 */
import { describe, expect, it } from 'vitest';
import { K, M, allocStats, folios, last, nth, run } from './_helpers.js';

describe('size= limit: the large attempt is abandoned for order 0 (§2.3 step 6, W10)', () => {
  it('gives a 4K write on huge=always with 16 free pages a single order-0 folio, no stats', () => {
    const o = last(['mount tmpfs huge=always size=64k', 'pwrite 0 4k']);
    expect(o.ret).toBe(4096n);
    expect(o.folios).toEqual(folios('0:0'));
    expect(o.stats).toEqual({});
    expect(o.blocks).toBe(8n);
  });

  it('then gives a 64K write 2:1 4:2 8:3 from conflicts alone, and stops short at the limit', () => {
    const o = last(['mount tmpfs huge=always size=64k', 'pwrite 0 4k', 'pwrite 4k 64k']);
    expect(o.ret).toBe(60n * K);
    expect(o.folios).toEqual(folios('0-1:0 2:1 4:2 8:3'));
    expect(o.stats).toEqual(allocStats('2:1 4:2 8:3'));
    expect(o.size).toBe(64n * K);
    expect(o.blocks).toBe(128n);
  });

  it('falls back to order 0 for an order-4 block that no longer fits, then fills page by page', () => {
    const o = last(['mount tmpfs huge=always size=64k', 'pwrite 0 4k', 'pwrite 64k 8k']);
    expect(o.ret).toBe(8n * K);
    expect(o.folios).toEqual(folios('0:0 16-17:0'));
    expect(o.stats).toEqual({});
  });

  it('answers ENOSPC to a write of which not one byte fits', () => {
    const o = last(['mount tmpfs huge=always size=64k', 'pwrite 0 64k', 'pwrite 64k 1']);
    expect(o.ret).toBe('ENOSPC');
    expect(o.size).toBe(64n * K);
    expect(o.blocks).toBe(128n);
  });

  it('keeps the bytes of a short write and reads them back', () => {
    const o = last(['mount tmpfs huge=never size=8k', 'pwrite -S 5 0 12k', 'pread 0 12k']);
    expect(o.ret).toBe(8192n);
    expect(o.data).toEqual([[0, 8192, 5]]);
  });
});

describe('size= limit: the EOF shrinker frees room (§3.6)', () => {
  const THREE = ['mount tmpfs huge=always size=4m', 'pwrite 0 4k', 'open b', 'pwrite 0 4k', 'open c', 'pwrite 0 4k'];

  it('splits A and B (each 4K holding 0:9) when C writes 4K, and C gets 0:9', () => {
    const c = nth(THREE, 5);
    expect(c.folios).toEqual(folios('0:9'));
    expect(c.stats).toEqual({ '2048kB': { shmem_alloc: 1, split: 2 } });
    expect(c.blocks).toBe(4096n);
    expect(last([...THREE, 'open f']).folios).toEqual(folios('0:0'));
    expect(last([...THREE, 'open b']).folios).toEqual(folios('0:0'));
  });

  it('protects a KEEP_SIZE folio past EOF through fallocend: only B splits, C falls back to order 0', () => {
    const lines = ['mount tmpfs huge=always size=4m', 'falloc -k 0 2m', 'open b', 'pwrite 0 4k', 'open c', 'pwrite 0 4k'];
    const c = nth(lines, 5);
    expect(c.folios).toEqual(folios('0:0'));
    expect(c.stats).toEqual({ '2048kB': { split: 1 } });
    expect(last([...lines, 'open f']).folios).toEqual(folios('0:9*'));
    expect(last([...lines, 'open b']).folios).toEqual(folios('0:0'));
  });

  it('walks the shrinklist newest first and stops once enough pages were freed', () => {
    // size=7m: a, b, c each hold 0:9 with 4K written; d's 4K needs 512 pages of 256 free.
    const lines = ['mount tmpfs huge=always size=7m', 'pwrite 0 4k', 'open b', 'pwrite 0 4k', 'open c', 'pwrite 0 4k',
      'open d', 'pwrite 0 4k'];
    expect(nth(lines, 7).stats).toEqual({ '2048kB': { shmem_alloc: 1, split: 2 } });
    expect(last([...lines, 'open f']).folios).toEqual(folios('0:9'));
    expect(last([...lines, 'open b']).folios).toEqual(folios('0:0'));
    expect(last([...lines, 'open c']).folios).toEqual(folios('0:0'));
  });

  it('splits a KEEP_SIZE folio starting at the EOF page when fallocend lies inside it', () => {
    // Divergence from kernel.md §11 "EOF shrinker skip": measured, i_size 0 with `falloc -k 0 4k`
    // (fallocend 1) is split; the kernel tests only max(EOF, fallocend) against the folio.
    const lines = ['mount tmpfs huge=always size=2m', 'falloc -k 0 4k', 'open b', 'pwrite 0 4k'];
    const b = nth(lines, 3);
    expect(b.folios).toEqual(folios('0:0'));
    expect(b.stats).toEqual({ '2048kB': { split: 1 } });
    expect(last([...lines, 'open f']).folios).toEqual(folios('0:0*'));
  });

  it("splits the writer's own EOF folio when it writes past it", () => {
    const o = last(['mount tmpfs huge=always size=2m', 'pwrite 0 4k', 'pwrite 2m 4k']);
    expect(o.folios).toEqual(folios('0:0 512:0'));
    expect(o.stats).toEqual({ '2048kB': { split: 1 } });
    expect(o.size).toBe(2n * M + 4n * K);
  });
});

describe('size= limit: faults and pins (§11)', () => {
  it('ends an mread in SIGBUS at the limit, keeping the pages touched before', () => {
    const o = last(['mount tmpfs huge=never size=8k', 'truncate 16k', 'mmap', 'mread']);
    expect(o.ret).toBe('SIGBUS');
    expect(o.folios).toEqual(folios('0-1:0'));
  });

  it('fails a pin with EFAULT when its first page cannot be faulted in, short when a later one cannot', () => {
    const obs = run(['mount tmpfs huge=never size=8k', 'truncate 16k', 'mmap', 'mread 0 8k', 'pin 8k 4k', 'pin 0 12k']);
    expect(obs[4]!.ret).toBe('EFAULT');
    expect(obs[5]!.ret).toBe(8192n);
  });
});

describe('fallocate and the size= limit (§5, §11)', () => {
  it('fails up front with ENOSPC when the range alone has more pages than the limit', () => {
    const o = last(['mount tmpfs huge=always size=64k', 'falloc 0 68k']);
    expect(o.ret).toBe('ENOSPC');
    expect(o.folios).toEqual([]);
    expect(o.stats).toEqual({});
    expect(o.size).toBe(0n);
  });

  it('fills exactly the limit with order-0 fallbacks when the range fits', () => {
    const o = last(['mount tmpfs huge=always size=64k', 'falloc -k 4k 64k']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('1:0* 2:1* 4:2* 8:3* 16:0*'));
    expect(o.stats).toEqual(allocStats('2:1 4:2 8:3'));
  });

  it('keeps a not-uptodate large folio that starts before the range split, not removed, after a failure', () => {
    // i_size 4M keeps every piece; the piece at the folio's index (0:8) stays large, so no rescan.
    const o = last(['mount tmpfs huge=always size=4m', 'truncate 4m', 'falloc 1m 4m']);
    expect(o.ret).toBe('ENOSPC');
    expect(o.folios).toEqual(folios('0:8* 256-257:0* 258:1* 260:2* 264:3* 272:4* 288:5* 320:6* 384:7*'));
    expect(o.stats).toEqual({ '2048kB': { shmem_alloc: 2, split: 1 } });
    expect(o.blocks).toBe(4096n);
    expect(o.size).toBe(4n * M);
  });

  it('zeroes and marks uptodate those pieces on a later fallocate, keeping the head not uptodate', () => {
    const o = last(['mount tmpfs huge=always size=4m', 'truncate 4m', 'falloc 1m 4m', 'falloc 1m 3m']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0:8* 256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7 512:9*'));
    expect(o.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
  });

  it('restores fallocend and removes what it added when the head piece is small (rescan)', () => {
    // b's 0:9 starts before the range [1, …): split around page 1, its head 0:0 is small, so
    // the rescan removes every not-uptodate folio in the range; only 0:0 stays (i_size 0).
    const lines = ['mount tmpfs huge=always size=4m', 'pwrite 0 4k', 'open b', 'falloc 4k 4m'];
    const b = last(lines);
    expect(b.ret).toBe('ENOSPC');
    expect(b.folios).toEqual(folios('0:0*'));
    expect(b.size).toBe(0n);
    expect(b.blocks).toBe(8n);
    // The shmem_alloc counts of the undone folios stay; f's 0:9 and b's own were split.
    expect(b.stats['2048kB']).toEqual({ shmem_alloc: 1, split: 2 });
    expect(b.stats['8kB']).toEqual({ shmem_alloc: 7 });
    expect(last([...lines, 'open f']).folios).toEqual(folios('0:0'));
  });

  it('changes nothing on a full file: ENOSPC for one more page, 0 for ranges already held', () => {
    const obs = run(['mount tmpfs huge=always size=4m', 'falloc 0 4m', 'falloc 0 4k', 'pwrite 4m 4k', 'falloc 0 4100k']);
    expect(obs[2]!.ret).toBe(0n);
    expect(obs[3]!.ret).toBe('ENOSPC');
    expect(obs[4]!.ret).toBe('ENOSPC');
    expect(obs[4]!.folios).toEqual(folios('0:9 512:9*'));
    expect(obs[4]!.size).toBe(4n * M);
  });
});
