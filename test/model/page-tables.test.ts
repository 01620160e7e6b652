/**
 * Page tables of the current mapping (kernel.md §7, measured on 6.18: conformance 720–722): a
 * page whose entry is present takes no fault, so shmem pages past EOF inside a mapped large
 * folio raise no SIGBUS; faults map whole folios (PMD, or PTEs when none is present), reads
 * fault around their 64 KiB window, and zaps (MADV_DONTNEED, truncate, punch) remove entries.
 */
import { describe, expect, it } from 'vitest';
import { run } from './_helpers.js';

const rets = (lines: readonly string[]): unknown[] => run(lines).map((o) => o.ret);

describe('page tables of a mapping', () => {
  it('pins and touches the pages past EOF of a PMD-mapped 0:9 folio', () => {
    const r = rets(['mount tmpfs huge=always', 'truncate 10k', 'mmap 0 2m', 'mread 0 4k', 'pin', 'mwrite']);
    expect(r.slice(4)).toEqual([2097152n, 0n]);
  });

  it('raises SIGBUS past EOF after the entries are zapped and a write faults a page of a partly mapped mTHP', () => {
    const base = ['thp hugepages-64kB=always', 'mount memfd', 'truncate 40k', 'mmap 0 64k', 'mwrite 0 4k'];
    // Whole 0:4 mapped by the first write fault.
    expect(rets([...base, 'mwrite 60k 4k']).at(-1)).toBe(0n);
    // Zapped: a write faults, and page 15 is past EOF.
    expect(rets([...base, 'madvise -d', 'mwrite 60k 4k']).at(-1)).toBe('SIGBUS');
    // Page 0 still mapped: the write fault on page 2 maps page 2 alone (pte_range_none fails).
    expect(rets([...base, 'madvise -d 4k 60k', 'mwrite 8k 4k', 'mwrite 60k 4k']).at(-1)).toBe('SIGBUS');
  });

  it('maps the cached pages of the 64 KiB window on a read fault, past EOF too', () => {
    const base = ['thp hugepages-64kB=always', 'mount memfd', 'truncate 40k', 'mmap 0 64k', 'mwrite 0 4k', 'madvise -d'];
    expect(rets([...base, 'mread 60k 4k']).at(-1)).toBe(0n);
    expect(rets([...base, 'pin 60k 4k']).at(-1)).toBe(4096n);
    expect(rets([...base, 'mread 4k 4k', 'mwrite 60k 4k']).at(-1)).toBe(0n);
  });

  it('maps a folio the VMA cannot hold whole only up to EOF on a read fault (conformance 723)', () => {
    const base = ['mount tmpfs huge=always', 'pwrite 0 100k'];
    // VMA from file page 16: 0:9 does not fit it, so pages 16..24 only; the pin stops at EOF.
    expect(rets([...base, 'mmap 64k 2m', 'pin']).at(-1)).toBe(36864n);
    // Aligned VMA: 0:9 goes in with a PMD, past EOF too.
    expect(rets([...base, 'mmap 0 2m', 'mread 64k 4k', 'pin']).at(-1)).toBe(2097152n);
  });

  it('has no fault-around through SysV: a page past EOF of a kept 0:9 folio raises SIGBUS', () => {
    const tail = ['mread 0 4k', 'pin 0 4k', 'truncate 2093056', 'mread 2093056 4k'];
    expect(rets(['thp shmem_enabled=always', 'mount sysv 2m', ...tail]).at(-1)).toBe('SIGBUS');
    expect(rets(['thp shmem_enabled=always', 'mount memfd', 'truncate 2m', 'mmap', ...tail]).at(-1)).toBe(0n);
  });

  it('zaps the pages past the new EOF on truncate', () => {
    const base = ['thp shmem_enabled=always', 'mount memfd', 'truncate 2m', 'mmap', 'mwrite 0 4k', 'pin 0 4k'];
    // The truncate's split fails (pinned): 0:9 stays, but page 511 is unmapped; a write faults.
    expect(rets([...base, 'truncate 2093056', 'mwrite 2093056 4k']).at(-1)).toBe('SIGBUS');
  });
});

describe('fault-around past EOF', () => {
  it('maps nothing when the whole 64 KiB window lies past the EOF page, so the read raises SIGBUS', () => {
    const obs = run(['mount tmpfs huge=always', 'pwrite 2m 548864', 'mmap 2m 2m', 'mread 4034560 126976', 'mread 2m 4k', 'mread 4034560 4k']);
    expect(obs.slice(3).map((o) => o.ret)).toEqual(['SIGBUS', 0n, 0n]);
  });
});
