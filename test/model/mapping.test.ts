/**
 * Mappings (product.md §1 "What each line means exactly"): `mount anon|memfd|sysv`, `mmap`,
 * `munmap`, `unlink` then `mmap`, and which control decides a fault's orders for each kind
 * of mapping (kernel.md §1.2, row by row).
 */
import { describe, expect, it } from 'vitest';
import { K, M, allocStats, blocksOf, folios, last, run, titled } from './_helpers.js';

/** `mread` of the page at byte `off`: one read fault. */
function faultAt(off: string): string {
  return `mread ${off} 4k`;
}

describe('kernel.md §1.2: tmpfs faults are PMD or nothing, per-size knobs ignored', () => {
  const perSize = ['thp hugepages-64kB=always', 'thp hugepages-16kB=always'];

  it.each(titled([
    { title: 'huge=never: order 0', huge: 'never', map: 'mmap', size: '4m', advice: [] as string[], expected: '0:0' },
    { title: 'huge=always: 0:9, not a 64K folio', huge: 'always', map: 'mmap', size: '4m', advice: [], expected: '0:9' },
    { title: 'huge=always, VMA misaligned by 64K: order 0, no mTHP fallback', huge: 'always', map: 'mmap -m 64k',
      size: '4m', advice: [], expected: '0:0' },
    { title: 'huge=within_size, i_size 2M−4K mapped 4M: order 0', huge: 'within_size', map: 'mmap 0 4m',
      size: '2093056', advice: [], expected: '0:0' },
    { title: 'huge=within_size, i_size 4M: 0:9', huge: 'within_size', map: 'mmap', size: '4m', advice: [],
      expected: '0:9' },
    { title: 'huge=advise without MADV_HUGEPAGE: order 0', huge: 'advise', map: 'mmap', size: '4m', advice: [],
      expected: '0:0' },
    { title: 'huge=advise + MADV_HUGEPAGE: 0:9', huge: 'advise', map: 'mmap', size: '4m', advice: ['madvise -h'],
      expected: '0:9' },
    { title: 'huge=never + MADV_HUGEPAGE: order 0', huge: 'never', map: 'mmap', size: '4m', advice: ['madvise -h'],
      expected: '0:0' },
  ]))('faults a linked tmpfs file with 64kB/16kB=always on %s', (_title, c) => {
    const o = last([...perSize, `mount tmpfs huge=${c.huge}`, `truncate ${c.size}`, c.map, ...c.advice, faultAt('0')]);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios(c.expected));
    expect(o.stats).toEqual(allocStats(c.expected));
    expect(o.blocks).toBe(blocksOf(c.expected));
  });

  it('writes order-0 folios on huge=never with 64kB=always: per-size knobs do not reach tmpfs writes', () => {
    const o = last(['thp hugepages-64kB=always', 'mount tmpfs huge=never', 'pwrite 0 64k']);
    expect(o.folios).toEqual(folios('0-15:0'));
    expect(o.stats).toEqual({});
  });
});

describe('kernel.md §1.2: anon-shmem VMAs fault by the per-size mask', () => {
  it('faults 0:4 in a MAP_SHARED|MAP_ANONYMOUS region (mount anon) with 64kB=always and global never', () => {
    const o = last(['thp hugepages-64kB=always', 'mount anon 4m', faultAt('0')]);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0:4'));
    expect(o.stats).toEqual({ '64kB': { shmem_alloc: 1 } });
    expect(o.size).toBe(4n * M);
    expect(o.blocks).toBe(128n);
  });

  it('faults 0:4 through a memfd mmap with 64kB=always and global never', () => {
    const o = last(['thp hugepages-64kB=always', 'mount memfd', 'truncate 4m', 'mmap', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:4'));
    expect(o.stats).toEqual({ '64kB': { shmem_alloc: 1 } });
    expect(o.blocks).toBe(128n);
  });

  it('faults 0:4 through the mmap of an unlinked file on a huge=never mount with 64kB=always', () => {
    const o = last(['thp hugepages-64kB=always', 'mount tmpfs huge=never', 'truncate 4m', 'unlink', 'mmap', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:4'));
    expect(o.stats).toEqual({ '64kB': { shmem_alloc: 1 } });
    expect(o.size).toBe(4n * M);
  });

  it('faults order 0 through the mmap of the same file while it is still linked', () => {
    const o = last(['thp hugepages-64kB=always', 'mount tmpfs huge=never', 'truncate 4m', 'mmap', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:0'));
    expect(o.stats).toEqual({});
  });

  it('keeps the tmpfs fault policy for a mapping made before the unlink', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) on this order: shmem_mmap picks the vm_ops when mapping (§1.2), so an
    // unlink afterwards does not change them.
    const o = last(['thp hugepages-64kB=always', 'mount tmpfs huge=never', 'truncate 4m', 'mmap', 'unlink', faultAt('0')]);
    expect(o.folios).toEqual(folios('0:0'));
  });

  it('writes a memfd by the global knob and faults it by the per-size knobs (global never + 64kB=always)', () => {
    const obs = run(['thp hugepages-64kB=always', 'mount memfd', 'pwrite 0 64k', 'truncate 128k', 'mmap', faultAt('64k')]);
    expect(obs[2]!.folios).toEqual(folios('0-15:0'));
    expect(obs[2]!.stats).toEqual({});
    expect(obs[5]!.folios).toEqual(folios('0-15:0 16:4'));
    expect(obs[5]!.stats).toEqual({ '64kB': { shmem_alloc: 1 } });
    expect(obs[5]!.blocks).toBe(blocksOf('0-15:0 16:4'));
  });
});

describe('kernel.md §1.2: SysV SHM faults by the global knob only, PMD only', () => {
  it('faults order 0 with global never + 64kB=always', () => {
    const o = last(['thp hugepages-64kB=always', 'mount sysv 4m', faultAt('0')]);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0:0'));
    expect(o.stats).toEqual({});
    expect(o.size).toBe(4n * M);
  });

  it('faults 0:9 with global always + 2048kB=never + 64kB=always', () => {
    const o = last(['thp shmem_enabled=always', 'thp hugepages-2048kB=never', 'thp hugepages-64kB=always', 'mount sysv 4m',
      faultAt('0')]);
    expect(o.folios).toEqual(folios('0:9'));
    expect(o.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
    expect(o.blocks).toBe(4096n);
  });

  it('faults 0:9 with global advise once MADV_HUGEPAGE is given', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) for SysV (derived from §2.1 step 2: global advise admits the PMD for VM_HUGEPAGE).
    const obs = run(['thp shmem_enabled=advise', 'mount sysv 4m', faultAt('0'), 'madvise -h', faultAt('2m')]);
    expect(obs[2]!.folios).toEqual(folios('0:0'));
    expect(obs[4]!.folios).toEqual(folios('0:0 512:9'));
  });
});

describe('mount anon and mount sysv: the region is the current file and mapping', () => {
  it('rounds the anon region i_size up to whole pages', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): the anon inode spans the VMA (shmem_zero_setup sizes it from the VMA).
    const o = last(['mount anon 10k']);
    expect(o.ret).toBe(0n);
    expect(o.size).toBe(12n * K);
    expect(o.folios).toEqual([]);
    expect(o.blocks).toBe(0n);
  });

  it('keeps the SysV segment i_size as given', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): shmget's size is the inode's i_size.
    const o = last(['mount sysv 10k']);
    expect(o.ret).toBe(0n);
    expect(o.size).toBe(10n * K);
  });

  it('faults every page of an anon region with a bare mread', () => {
    const o = last(['mount anon 10k', 'mread']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0-2:0'));
    expect(o.blocks).toBe(24n);
  });

  it('faults the last partial page of a 10k SysV segment without SIGBUS', () => {
    const o = last(['mount sysv 10k', 'mread']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0-2:0'));
  });

  it('lets file commands act on the anon region: pwrite then mread sees the bytes through pread', () => {
    const o = last(['mount anon 8k', 'pwrite -S 3 0 4k', 'mread', 'pread 0 8k']);
    expect(o.data).toEqual([[0, 4096, 3], [4096, 4096, 0]]);
    expect(o.folios).toEqual(folios('0-1:0'));
  });
});

describe('mmap and munmap', () => {
  it('maps the whole file by default: mread faults every page', () => {
    const obs = run(['mount tmpfs', 'truncate 12k', 'mmap', 'mread']);
    expect(obs[2]!.ret).toBe(0n);
    expect(obs[2]!.folios).toEqual([]);
    expect(obs[3]!.ret).toBe(0n);
    expect(obs[3]!.folios).toEqual(folios('0-2:0'));
  });

  it('refuses to map an empty file with EINVAL', () => {
    const obs = run(['mount tmpfs', 'mmap', 'mread']);
    expect(obs[1]!.ret).toBe('EINVAL');
    expect(obs[2]!.ret).toBe('EINVAL');
  });

  it('refuses a file offset that is not page aligned with EINVAL', () => {
    const o = last(['mount tmpfs', 'truncate 12k', 'mmap 100 4k']);
    expect(o.ret).toBe('EINVAL');
  });

  it('refuses a misalignment that is not page aligned with EINVAL', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): MAP_FIXED at an address that is not page aligned is EINVAL.
    const o = last(['mount tmpfs', 'truncate 12k', 'mmap -m 100']);
    expect(o.ret).toBe('EINVAL');
  });

  it('returns EBADF for mmap without a current file (after a failed mount)', () => {
    const o = last(['mount tmpfs huge=force', 'mmap']);
    expect(o.ret).toBe('EBADF');
  });

  it('maps OFF LEN only: a fault outside it is EINVAL, inside it allocates', () => {
    const obs = run(['mount tmpfs', 'truncate 16k', 'mmap 4k 8k', 'mread 0 4k', 'mread 12k 4k', 'mread']);
    expect(obs[3]!.ret).toBe('EINVAL');
    expect(obs[4]!.ret).toBe('EINVAL');
    expect(obs[4]!.folios).toEqual([]);
    expect(obs[5]!.ret).toBe(0n);
    expect(obs[5]!.folios).toEqual(folios('1-2:0'));
  });

  it('maps past EOF without error; faults there are SIGBUS', () => {
    const obs = run(['mount tmpfs', 'truncate 4k', 'mmap 0 8k', 'mread 4k 4k']);
    expect(obs[2]!.ret).toBe(0n);
    expect(obs[3]!.ret).toBe('SIGBUS');
    expect(obs[3]!.folios).toEqual([]);
  });

  it('replaces the mapping with a new mmap', () => {
    const o = last(['mount tmpfs', 'truncate 16k', 'mmap 0 4k', 'mmap 0 8k', 'mread']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0-1:0'));
  });

  it('munmaps the mapping: a later mread is EINVAL and the page cache stays', () => {
    const obs = run(['mount tmpfs', 'truncate 8k', 'mmap', 'mread', 'munmap', 'mread']);
    expect(obs[4]!.ret).toBe(0n);
    expect(obs[4]!.folios).toEqual(folios('0-1:0'));
    expect(obs[5]!.ret).toBe('EINVAL');
    expect(obs[5]!.folios).toEqual(folios('0-1:0'));
  });

  it.each(titled([
    { title: 'munmap', op: 'munmap' },
    { title: 'mread', op: 'mread' },
    { title: 'mread 0 4k', op: 'mread 0 4k' },
    { title: 'mwrite', op: 'mwrite' },
    { title: 'pin 0 4k', op: 'pin 0 4k' },
    { title: 'pin', op: 'pin' },
    { title: 'madvise -h', op: 'madvise -h' },
  ]))('returns EINVAL for %s without a mapping', (_title, { op }) => {
    const o = last(['mount tmpfs', 'truncate 8k', op]);
    expect(o.ret).toBe('EINVAL');
    expect(o.folios).toEqual([]);
    expect(o.stats).toEqual({});
  });

  it('drops the mapping on open: a later mread is EINVAL', () => {
    const obs = run(['mount tmpfs', 'truncate 8k', 'mmap', 'open g', 'mread', 'open f', 'mread']);
    expect(obs[4]!.ret).toBe('EINVAL');
    expect(obs[6]!.ret).toBe('EINVAL');
    expect(obs[6]!.folios).toEqual([]);
  });

  it('drops the mapping on mount: a later mread is EINVAL', () => {
    const obs = run(['mount tmpfs', 'truncate 8k', 'mmap', 'mount memfd', 'mread']);
    expect(obs[4]!.ret).toBe('EINVAL');
  });

  it('drops the anon region mapping on mount memfd', () => {
    const o = last(['mount anon 4m', 'mount memfd', 'mread']);
    expect(o.ret).toBe('EINVAL');
  });

  it('keeps the region mapped when open is refused after mount anon', () => {
    // Measured (conformance 719): `open` on an anon region is EINVAL and changes nothing.
    const o = last(['mount anon 4m', 'open g', 'mread']);
    expect(o.ret).toBe(0n);
  });
});

describe('mwrite without a range', () => {
  it('stores its byte in the bytes mmap was given, not up to the end of their last page (conformance 729)', () => {
    const o = run(['mount tmpfs', 'pwrite 0 10000', 'mmap', 'pwrite 1m 4k', 'mwrite', 'pread 0 12288']).at(-1)!;
    expect(o.data).toEqual([[0, 10000, 0x58], [10000, 2288, 0]]);
  });
});

describe('a PMD fault over an emptied PTE table', () => {
  it.each([
    ['truncated', 'truncate 2m'],
    ['punched', 'fpunch 2304k 4k'],
  ])('maps a SysV PMD folio whole once the table\'s pages were %s away (conformance 730, 731)', (_how, zap) => {
    const o = run(['mount sysv 4m', 'mread 2304k 4k', 'thp shmem_enabled=always', zap, 'truncate 2m', 'pwrite 3076096 256k', 'mread 2m 4k', 'pin 3600k 4k']).at(-1)!;
    expect(o.ret).toBe(4096n);
  });
});

describe('a zap that covers part of a PMD mapping', () => {
  it('clears the PMD whole: a read at the block start maps the folio again, past EOF too (conformance 732)', () => {
    const o = run(['mount anon 4m', 'pwrite 512k 2m', 'madvise -c', 'pin 1792k 2m', 'truncate 3407872', 'mread 2m 2m']).at(-1)!;
    expect([o.ret, o.stats]).toEqual([0n, {}]);
  });

  it('leaves the pages it cleared to fault again: a write past EOF raises SIGBUS', () => {
    const o = run(['mount anon 4m', 'pwrite 512k 2m', 'madvise -c', 'pin 1792k 2m', 'truncate 3407872', 'mwrite 3407872 4k']).at(-1)!;
    expect(o.ret).toBe('SIGBUS');
  });
});
