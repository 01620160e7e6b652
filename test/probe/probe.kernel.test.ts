import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/probe/index.js';
import { parseScript } from '../../src/script/index.js';
import { runOnKernel } from '../../src/probe/index.js';
import { kernelSkipReason, run } from './_kernel.js';
import { layout } from './_layout.js';

const THP = '/sys/kernel/mm/transparent_hugepage';
const knob = (f: string): string => /\[(\w+)\]/.exec(readFileSync(`${THP}/${f}`, 'utf8'))?.[1] ?? '?';

describe('runOnKernel refusals', () => {
  it('refuses a script with task prefixes before touching the kernel', async () => {
    const script = parseScript('mount tmpfs\n[A] pwrite 0 4k\n', 'tasks.fl');
    await expect(runOnKernel(script)).rejects.toMatchObject({ name: 'ProbeError', code: 'E_TASKS', message: expect.stringMatching(/^tasks\.fl:2: /) });
  });

  it.skipIf(kernelSkipReason !== undefined)('names a missing helper as an unmet precondition', async () => {
    const err = await runOnKernel(parseScript('mount tmpfs\n', 'a.fl'), { helper: '/nonexistent/foliolog-probe' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect(err).toMatchObject({ code: 'E_PRECONDITION', message: expect.stringMatching(/not built|no C compiler/) });
  });
});

describe.skipIf(kernelSkipReason !== undefined)('runOnKernel observations (product.md §2)', () => {
  it('reports reads as byte runs and uptodate folios wholly past EOF as blind', async () => {
    const { observations: o } = await run(`
      mount tmpfs huge=always   # comment
      pwrite -S 0x41 0 4k
      falloc -k 2m 4k
      falloc -k 2m 4k
      pread 0 8k
      pread 2k 4k`);
    expect(o[1]).toMatchObject({ i: 1, line: 3, op: 'pwrite -S 0x41 0 4k', ret: 4096n, folios: [[0, 9, 1]] });
    expect(o[2]?.folios).toEqual([[0, 9, 1], [512, 9, 0]]);
    expect(o[2]?.blind).toBeUndefined();
    expect(o[3]?.folios).toEqual([[0, 9, 1]]);
    expect(o[3]?.blind).toEqual([[512, 512]]);
    expect(o[3]?.blocks).toBe(8192n);
    expect(o[4]).toMatchObject({ ret: 4096n, data: [[0, 4096, 0x41]] });
    expect(o[5]).toMatchObject({ ret: 2048n, data: [[0, 2048, 0x41]] });
  });

  it('writes thp knobs left to right and stops at the first refused value', async () => {
    const seen: string[][] = [];
    const { observations: o } = await run('thp hugepages-64kB=inherit shmem_enabled=force hugepages-32kB=always\n', {
      onObservation: () => seen.push([knob('hugepages-64kB/shmem_enabled'), knob('shmem_enabled'), knob('hugepages-32kB/shmem_enabled')]),
    });
    expect(o[0]?.ret).toBe('EINVAL');
    expect(seen).toEqual([['inherit', 'never', 'never']]);
  });

  it('answers a refused mount with its errno and file commands after it with EBADF', async () => {
    const { observations: o } = await run('mount tmpfs huge=force\npwrite 0 4k\nseek -d 0\n');
    expect(o.map((x) => x.ret)).toEqual(['EINVAL', 'EBADF', 'EBADF']);
    expect(o[1]).toMatchObject({ folios: [], size: 0n, blocks: 0n, stats: {} });
  });

  it('faults anonymous shmem by the per-size knobs and SysV by the global one (kernel.md §2.6, §1.2)', async () => {
    const { observations: o } = await run(`
      thp hugepages-64kB=always
      mount anon 4m
      mread 0 4k
      mread 100k 4k
      mount sysv 4m
      mread 0 4k
      thp shmem_enabled=always hugepages-2048kB=never
      mread 2m 4k
      thp shmem_enabled=never
      mount memfd
      pwrite 0 64k
      mmap
      madvise -d
      fpunch 0 64k
      mread 0 4k`);
    expect(o[3]).toMatchObject({ folios: [[0, 4, 1], [16, 4, 1]], stats: { '64kB': { shmem_alloc: 1 } }, blocks: 256n });
    expect(o[5]?.folios).toEqual([[0, 0, 1]]);
    expect(o[7]).toMatchObject({ folios: [[0, 0, 1], [512, 9, 1]], stats: { '2048kB': { shmem_alloc: 1 } } });
    // memfd: writes follow the global knob (never: order 0), faults the per-size ones.
    expect(o[10]?.folios).toEqual(layout('0-15:0'));
    expect(o[13]?.folios).toEqual([]);
    expect(o[14]).toMatchObject({ folios: [[0, 4, 1]], stats: { '64kB': { shmem_alloc: 1 } } });
  });

  it('reports SIGBUS past EOF, keeping the pages touched before it', async () => {
    const { observations: o } = await run('mount tmpfs huge=never\ntruncate 8k\nmmap 0 64k\nmwrite\nmread 0 64k\npin 4k 16k\npin 8k 4k\n');
    expect(o.slice(3).map((x) => x.ret)).toEqual(['SIGBUS', 'SIGBUS', 4096n, 'EFAULT']);
    expect(o[3]?.folios).toEqual(layout('0-1:0'));
  });

  it('collapses with khugepaged only when asked, then lets reclaim split past EOF', async () => {
    const { observations: o } = await run(`
      mount tmpfs huge=never
      pwrite 0 2m
      remount huge=always
      mmap
      mread
      khugepaged
      truncate 1m
      munmap
      mount tmpfs huge=always
      pwrite 0 4k
      reclaim`);
    expect(o[4]?.folios).toEqual(layout('0-511:0'));
    expect(o[5]?.folios).toEqual([[0, 9, 1]]);
    expect(o[6]).toMatchObject({ folios: [[0, 8, 1]], stats: { '2048kB': { split: 1 } } });
    expect(o[9]?.folios).toEqual([[0, 9, 1]]);
    expect(o[10]).toMatchObject({ folios: [[0, 0, 1]], blocks: 8n });
    expect(o[10]?.stats['2048kB']?.split).toBeGreaterThanOrEqual(1);
  });

  it('records the same observations twice for the same script', async () => {
    const script = `
      mount tmpfs huge=within_size
      pwrite 0 60k
      pwrite 64k 64k
      fpunch 16k 4k
      mount tmpfs huge=always size=8m
      pwrite 0 4k
      falloc -k 2m 4k
      truncate 3m
      mmap -m 64k 0 2m
      mread
      mmap
      madvise -c 0 2m
      pin 0 4k
      fpunch 1m 64k
      unpin
      fpunch 1m 64k
      seek -h 0
      pread 0 12k
      thp hugepages-64kB=always hugepages-16kB=always
      mount anon 2m
      mwrite -S 7 0 100k
      madvise -R 0 4k
      reclaim
      khugepaged`;
    const a = await run(script);
    const b = await run(script);
    expect(b.observations).toEqual(a.observations);
    expect(a.observations).toHaveLength(24);
    expect(a.warnings).toEqual([]);
  });
});
