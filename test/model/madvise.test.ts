/**
 * `madvise -h|-n|-d` (product.md §1): VM_HUGEPAGE / VM_NOHUGEPAGE on exactly the advised pages
 * (the VMA splits, so PMD suitability follows the split VMA: kernel.md §2.3 step 1), MADV_DONTNEED
 * changing nothing observable for shmem, and the alignment rule of kernel.md §11.
 */
import { describe, expect, it } from 'vitest';
import { allocStats, blocksOf, folios, last, run, titled } from './_helpers.js';

/** `mread` of the page at byte `off`: one read fault. */
function faultAt(off: string): string {
  return `mread ${off} 4k`;
}

/** A huge=advise tmpfs file of 4 MiB, mapped whole. */
const ADVISE_4M = ['mount tmpfs huge=advise', 'truncate 4m', 'mmap'];

describe('madvise -h / -n on a subrange split the VMA', () => {
  it('faults 0:9 at 0 and order 0 at 2m after madvise -h 0 2m on a huge=advise 4M file', () => {
    const obs = run([...ADVISE_4M, 'madvise -h 0 2m', faultAt('0'), faultAt('2m')]);
    expect(obs[3]!.ret).toBe(0n);
    expect(obs[3]!.folios).toEqual([]);
    expect(obs[4]!.folios).toEqual(folios('0:9'));
    expect(obs[4]!.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
    expect(obs[5]!.folios).toEqual(folios('0:9 512:0'));
    expect(obs[5]!.stats).toEqual({});
    expect(obs[5]!.blocks).toBe(blocksOf('0:9 512:0'));
  });

  it('faults order 0 at 3m and at 2m after madvise -h 2m 1m: the advised VMA [2m,3m) cannot hold an aligned PMD', () => {
    const obs = run([...ADVISE_4M, 'madvise -h 2m 1m', faultAt('3m'), faultAt('2m')]);
    expect(obs[3]!.ret).toBe(0n);
    expect(obs[4]!.folios).toEqual(folios('768:0'));
    expect(obs[4]!.stats).toEqual({});
    expect(obs[5]!.folios).toEqual(folios('512:0 768:0'));
    expect(obs[5]!.stats).toEqual({});
  });

  it('faults 0:9 512:9 after madvise -h of the whole mapping', () => {
    const obs = run([...ADVISE_4M, 'madvise -h', faultAt('0'), faultAt('2m')]);
    expect(obs[5]!.folios).toEqual(folios('0:9 512:9'));
    expect(obs[5]!.blocks).toBe(8192n);
  });

  it('faults 0:9 after madvise -h 2m 2m and -h 0 2m: the two advised VMAs merge', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): neighbouring VMAs with equal flags merge, so the PMD block [0,2m) is
    // inside one VMA again.
    const o = last([...ADVISE_4M, 'madvise -h 2m 2m', 'madvise -h 0 2m', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:9'));
  });

  it('faults order 0 at 0 and 512:9 at 2m on anon 4M with 2048kB=always after madvise -n 0 2m', () => {
    const obs = run(['thp hugepages-2048kB=always', 'mount anon 4m', 'madvise -n 0 2m', faultAt('0'), faultAt('2m')]);
    expect(obs[2]!.ret).toBe(0n);
    expect(obs[3]!.folios).toEqual(folios('0:0'));
    expect(obs[3]!.stats).toEqual({});
    expect(obs[4]!.folios).toEqual(folios('0:0 512:9'));
    expect(obs[4]!.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
  });

  it('faults 16:4 only inside madvise -h 64k 64k on anon with 64kB=advise', () => {
    const obs = run(['thp hugepages-64kB=advise', 'mount anon 4m', 'madvise -h 64k 64k', faultAt('0'), faultAt('64k'),
      faultAt('128k')]);
    expect(obs.slice(3).map((o) => o.stats)).toEqual([{}, { '64kB': { shmem_alloc: 1 } }, {}]);
    expect(obs[5]!.folios).toEqual(folios('0:0 16:4 32:0'));
    expect(obs[5]!.blocks).toBe(blocksOf('0:0 16:4 32:0'));
  });

  it('faults order 0 after madvise -h 0 60k on anon with 64kB=advise: the advised VMA is too small for 64K', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) (derived from §2.3 step 1 on the split VMA [0,60K)).
    const o = last(['thp hugepages-64kB=advise', 'mount anon 4m', 'madvise -h 0 60k', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:0'));
    expect(o.stats).toEqual({});
  });

  it('faults 0:4 after madvise -n then madvise -h of the whole mapping on anon with 64kB=advise', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): MADV_HUGEPAGE clears VM_NOHUGEPAGE (hugepage_madvise).
    const o = last(['thp hugepages-64kB=advise', 'mount anon 4m', 'madvise -n', 'madvise -h', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:4'));
  });

  it('faults order 0 after madvise -h then madvise -n of the whole mapping on huge=advise', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): MADV_NOHUGEPAGE clears VM_HUGEPAGE (hugepage_madvise).
    const o = last([...ADVISE_4M, 'madvise -h', 'madvise -n', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:0'));
  });

  it('advises whole pages: madvise -h 0 2093057 (2M−4K+1) rounds up to 2M, so page 0 faults 0:9', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) for -h (§11: the length is rounded up to whole pages, observed for -r).
    const o = last([...ADVISE_4M, 'madvise -h 0 2093057', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:9'));
  });

  it('does not reach pwrite: a huge=always write after madvise -n still gets 0:9', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) (derived from §2.1: writes have no VMA, VM_NOHUGEPAGE only gates faults).
    const o = last(['mount tmpfs huge=always', 'truncate 4m', 'mmap', 'madvise -n', 'pwrite 0 4k']);
    expect(o.folios).toEqual(folios('0:9'));
  });
});

describe('madvise: EINVAL cases change nothing (kernel.md §11)', () => {
  it('returns EINVAL for an unaligned start (madvise -h 1000 4k) and leaves the VMA unadvised', () => {
    const obs = run([...ADVISE_4M, 'madvise -h 1000 4k', faultAt('0')]);
    expect(obs[3]!.ret).toBe('EINVAL');
    expect(obs[3]!.folios).toEqual([]);
    expect(obs[3]!.stats).toEqual({});
    expect(obs[4]!.folios).toEqual(folios('0:0'));
  });

  it('returns EINVAL for an unaligned start of madvise -n and leaves the faults large', () => {
    const obs = run(['thp hugepages-2048kB=always', 'mount anon 4m', 'madvise -n 1000 4k', faultAt('0')]);
    expect(obs[2]!.ret).toBe('EINVAL');
    expect(obs[3]!.folios).toEqual(folios('0:9'));
  });

  it('returns EINVAL for an unaligned start of madvise -d', () => {
    const o = last([...ADVISE_4M, 'mread 0 4k', 'madvise -d 1000 4k']);
    expect(o.ret).toBe('EINVAL');
    expect(o.folios).toEqual(folios('0:0'));
  });

  it.each(titled([
    { title: 'starting at the end of a 4M mapping (madvise -h 4m 4k)', op: 'madvise -h 4m 4k' },
    { title: 'running past the end of a 4M mapping (madvise -h 2m 4m)', op: 'madvise -h 2m 4m' },
    { title: 'before a mapping made at 1m (mmap 1m 1m, madvise -h 0 2m)', op: 'madvise -h 0 2m', map: 'mmap 1m 1m',
      fault: '1m', expected: '256:0' },
  ]))('returns EINVAL for a range %s', (_title, { op, map, fault, expected }) => {
    const obs = run(['mount tmpfs huge=advise', 'truncate 4m', map ?? 'mmap', op, faultAt(fault ?? '2m')]);
    expect(obs[3]!.ret).toBe('EINVAL');
    expect(obs[4]!.ret).toBe(0n);
    expect(obs[4]!.folios).toEqual(folios(expected ?? '512:0'));
  });

  it.each(titled([
    { title: 'madvise -h', op: 'madvise -h' },
    { title: 'madvise -n 0 4k', op: 'madvise -n 0 4k' },
    { title: 'madvise -d', op: 'madvise -d' },
  ]))('returns EINVAL for %s without a mapping', (_title, { op }) => {
    const o = last(['mount tmpfs huge=advise', 'truncate 4m', op]);
    expect(o.ret).toBe('EINVAL');
  });

  it('returns EINVAL for madvise after munmap', () => {
    const o = last([...ADVISE_4M, 'munmap', 'madvise -h']);
    expect(o.ret).toBe('EINVAL');
  });
});

describe('madvise -d (MADV_DONTNEED) keeps the shmem page cache', () => {
  it.each(titled([
    { title: 'the whole mapping', op: 'madvise -d' },
    { title: 'a subrange (madvise -d 0 4k)', op: 'madvise -d 0 4k' },
  ]))('returns 0 and leaves layout, stats and blocks unchanged for %s', (_title, { op }) => {
    const obs = run(['thp hugepages-64kB=always', 'mount anon 4m', faultAt('0'), faultAt('2m'), op]);
    const before = obs[3]!;
    const o = obs[4]!;
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0:4 512:4'));
    expect(o.folios).toEqual(before.folios);
    expect(o.stats).toEqual({});
    expect(o.blocks).toBe(before.blocks);
    expect(o.size).toBe(before.size);
  });

  it('keeps the bytes an mwrite stored after madvise -d', () => {
    const o = last(['mount memfd', 'truncate 8k', 'mmap', 'mwrite -S 9', 'madvise -d', 'pread 0 8k']);
    expect(o.data).toEqual([[0, 8192, 9]]);
  });

  it('does not change later faults: huge=advise + -h, then -d, still faults 0:9', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): MADV_DONTNEED leaves the VMA flags alone.
    const o = last([...ADVISE_4M, 'madvise -h', 'madvise -d', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:9'));
    expect(o.stats).toEqual(allocStats('0:9'));
  });
});
