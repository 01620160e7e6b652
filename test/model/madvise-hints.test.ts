/**
 * xfs_io's `madvise -r|-s|-w` (MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED) on shmem, as
 * measured on 6.18 (corpus 645, 726–728): RANDOM and SEQUENTIAL only set VM_RAND_READ /
 * VM_SEQ_READ, but that splits the VMA, so a fault's orders must fit the advised VMA, fault-around
 * stops at its edges and a collapse cannot span it; WILLNEED changes nothing (no swap).
 */
import { describe, expect, it } from 'vitest';
import { folios, run } from './_helpers.js';
import { layout } from './_layout.js';

/** An anonymous 4 MiB region whose faults may take 2 MiB and 64 KiB folios. */
const ANON_4M = ['thp hugepages-2048kB=always hugepages-64kB=always', 'mount anon 4m'];

describe('madvise -r / -s split the VMA a fault must fit', () => {
  it.each(['-r', '-s'])('faults a 64 KiB folio, not a PMD, inside madvise %s 0 1m; the rest still takes a PMD', (flag) => {
    const obs = run([...ANON_4M, `madvise ${flag} 0 1m`, 'mread 0 4k', 'mread 2m 4k']);
    expect(obs[3]!.folios).toEqual(folios('0:4'));
    expect(obs[4]!.folios).toEqual(folios('0:4 512:9'));
  });

  it('faults a PMD at 0 without the hint', () => {
    expect(run([...ANON_4M, 'mread 0 4k'])[2]!.folios).toEqual(folios('0:9'));
  });

  it('merges VMAs whose hints become equal again: madvise -s over [0,1m) and [1m,2m) lets neither hold a PMD, -s over all does', () => {
    const split = run([...ANON_4M, 'madvise -s 0 1m', 'madvise -r 1m 1m', 'mread 0 4k']);
    expect(split[4]!.folios).toEqual(folios('0:4'));
    const merged = run([...ANON_4M, 'madvise -s 0 1m', 'madvise -r 1m 1m', 'madvise -s', 'mread 0 4k']);
    expect(merged[5]!.folios).toEqual(folios('0:9'));
  });

  it('keeps VM_HUGEPAGE when the readahead hint changes, and the hint when VM_HUGEPAGE changes', () => {
    const obs = run(['mount tmpfs huge=advise', 'truncate 4m', 'mmap', 'madvise -h', 'madvise -r 0 2m', 'mread 0 4k',
      'madvise -n 2m 2m', 'madvise -h 2m 2m', 'mread 2m 4k']);
    expect(obs[5]!.folios).toEqual(folios('0:9'));
    expect(obs[8]!.folios).toEqual(folios('0:9 512:9'));
  });
});

describe('madvise -r / -s limit fault-around to the advised VMA (kernel.md §7)', () => {
  // A 64 KiB folio over a 40 KiB memfd: a read fault maps the folio's cached pages of its
  // window, past EOF too, so page 15 takes no fault — unless it sits in a VMA of its own.
  const SETUP = ['thp hugepages-64kB=always', 'mount memfd', 'truncate 40k', 'mmap 0 64k', 'mwrite 0 4k', 'madvise -d'];

  it('maps page 15 past EOF by fault-around from page 0 in one VMA', () => {
    expect(run([...SETUP, 'mread 0 4k', 'mread 60k 4k'])[7]!.ret).toBe(0n);
  });

  it('raises SIGBUS at page 15 once madvise -r 48k 16k put it in a VMA of its own', () => {
    const obs = run([...SETUP, 'madvise -r 48k 16k', 'mread 0 4k', 'mread 60k 4k', 'madvise -d', 'madvise -r 0 48k', 'mread 0 4k', 'mread 60k 4k']);
    expect(obs[8]!.ret).toBe('SIGBUS');
    expect(obs[12]!.ret).toBe(0n);
  });
});

describe('madvise -r / -s and collapse', () => {
  const ORDER0_4M = ['mount tmpfs huge=never', 'pwrite 0 4m', 'mmap', 'remount huge=always'];

  it('fails MADV_COLLAPSE of a block split by madvise -r, and collapses it once the whole mapping has the hint', () => {
    const obs = run([...ORDER0_4M, 'madvise -r 1m 4k', 'madvise -c', 'madvise -r', 'madvise -c 0 2m']);
    expect(obs[5]!.ret).toBe('EINVAL');
    expect(obs[7]!.folios).toEqual(folios('0:9 512-1023:0'));
  });

  it('lets khugepaged skip the block split by madvise -s', () => {
    const obs = run([...ORDER0_4M, 'madvise -s 3m 4k', 'khugepaged', 'madvise -s', 'khugepaged']);
    expect(obs[5]!.folios).toEqual(folios('0:9 512-1023:0'));
    expect(obs[7]!.folios).toEqual(folios('0:9 512:9'));
  });
});

describe('madvise -w (MADV_WILLNEED) on shmem', () => {
  it('allocates nothing in a hole and leaves fallocated folios not uptodate', () => {
    const obs = run(['mount tmpfs huge=always', 'truncate 4m', 'falloc -k 2m 2m', 'mmap', 'madvise -w', 'seek -d 0']);
    expect(obs[4]!.folios).toEqual(folios('512:9*'));
    expect(obs[4]!.stats).toEqual({});
    expect(obs[5]!.ret).toBe('ENXIO');
  });

  it('answers EINVAL for a range outside the mapping, like every madvise here', () => {
    expect(run(['mount anon 2m', 'madvise -w 2m 4k'])[1]!.ret).toBe('EINVAL');
  });
});

describe('madvise on a SysV segment', () => {
  it('leaves the VMAs split after the flags agree again: shm VMAs never merge (conformance 649)', () => {
    const o = run(['mount sysv 8m', 'mread', 'madvise -r 7258112 8k', 'madvise -r', 'madvise -c']).at(-1)!;
    expect([o.ret, layout(o).split(' ').slice(0, 4)]).toEqual(['EINVAL', ['0:9', '512:9', '1024:9', '1536-2047:0']]);
  });

  it('merges them again on anonymous shared memory, so the collapse goes through', () => {
    const o = run(['mount anon 8m', 'mread', 'madvise -r 7258112 8k', 'madvise -r', 'madvise -c']).at(-1)!;
    expect([o.ret, layout(o)]).toEqual([0n, '0:9 512:9 1024:9 1536:9']);
  });
});
