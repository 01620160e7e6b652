import { describe, expect, it } from 'vitest';
import { layout, run } from './_helpers.js';

/** Layout, ret and blocks of each line of a script, from line `from` (0-based) on. */
function outcomes(lines: readonly string[], from: number): Array<[string, string, bigint]> {
  return run(lines).slice(from).map((o) => [o.op, String(o.ret), o.blocks]);
}

// Every expectation below was also measured on Linux 6.18 through the probe (kernel.md §6, §11).
describe('madvise(MADV_COLLAPSE)', () => {
  it('fills the holes of a block with 100 pages present and makes one uptodate order-9 folio', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 400k', 'mmap 0 2m', 'madvise -c', 'pread 0 8k']);
    expect(layout(obs[3]!)).toBe('0:9');
    expect([obs[3]!.ret, obs[3]!.blocks, obs[3]!.stats]).toEqual([0n, 4096n, {}]);
    expect(obs[4]!.data).toEqual([[0, 8192, 0xcd]]);
  });

  it('collapses a block that reaches past EOF (i_size 300 KiB)', () => {
    expect(outcomes(['mount tmpfs huge=never', 'pwrite 0 300k', 'mmap 0 2m', 'madvise -c 0 2m'], 3))
      .toEqual([['madvise -c 0 2m', '0', 4096n]]);
  });

  it('collapses the block that holds a folio and answers EINVAL for the empty one after it', () => {
    const obs = run(['mount tmpfs huge=never', 'truncate 4m', 'mmap', 'pwrite 0 4k', 'madvise -c']);
    expect([obs[4]!.ret, layout(obs[4]!)]).toEqual(['EINVAL', '0:9']);
  });

  it('stops at an empty block: the blocks after it stay as they are (conformance 643)', () => {
    const obs = run(['mount anon 6m', 'pwrite 0 4k', 'pwrite 4m 4k', 'madvise -c']);
    expect([obs[3]!.ret, layout(obs[3]!), obs[3]!.blocks]).toEqual(['EINVAL', '0:9 1024:0', 4104n]);
  });

  it('goes on past a pinned block (EAGAIN) to the blocks after it (conformance 643)', () => {
    const obs = run(['mount anon 6m', 'pwrite 0 4k', 'pwrite 2m 4k', 'pwrite 4m 4k', 'pin 2m 4k', 'madvise -c']);
    expect([obs[5]!.ret, layout(obs[5]!)]).toEqual(['EAGAIN', '0:9 512:0 1024:9']);
  });

  it.each([
    ['a VMA misaligned by 64K', ['mount tmpfs huge=never', 'truncate 4m', 'mmap -m 64k', 'pwrite 0 4k', 'madvise -c']],
    ['a 2M−4K file mapped whole', ['mount tmpfs huge=never', 'truncate 2093056', 'mmap', 'pwrite 0 4k', 'madvise -c']],
    ['global deny', ['thp shmem_enabled=deny', 'mount tmpfs huge=always', 'pwrite 0 4k', 'mmap 0 2m', 'madvise -c']],
    ['MADV_NOHUGEPAGE', ['mount tmpfs huge=never', 'pwrite 0 400k', 'mmap 0 2m', 'madvise -n', 'madvise -c']],
  ])('refuses %s with EINVAL and changes nothing', (_what, lines) => {
    const obs = run(lines);
    const before = obs[obs.length - 2]!;
    const after = obs[obs.length - 1]!;
    expect(after.ret).toBe('EINVAL');
    expect(after.folios).toEqual(before.folios);
  });

  it.each([
    ['64k 1m', 'EINVAL'], ['4k 8k', 'EINVAL'], ['2112k 1m', 'EINVAL'], ['64k 1984k', '0'], ['1m 2m', '0'],
  ])('rounds the range inward: madvise -c %s with no block between the rounded ends answers %s', (range, want) => {
    const o = run(['mount tmpfs huge=never', 'truncate 4m', 'mmap', 'pwrite 0 4k', `madvise -c ${range}`]).at(-1)!;
    expect([String(o.ret), layout(o)]).toEqual([want, '0:0']);
  });

  it('returns 0 and does nothing when the range holds no whole aligned block', () => {
    const obs = run(['mount tmpfs huge=never', 'truncate 4m', 'mmap', 'pwrite 0 4k', 'madvise -c 0 1m', 'madvise -c 4k 2m', 'madvise -c 2m 2m']);
    expect(obs.slice(4).map((o) => [o.ret, layout(o)])).toEqual([[0n, '0:0'], [0n, '0:0'], ['EINVAL', '0:0']]);
  });

  it('answers EAGAIN for a block with a pinned page and collapses it once unpinned', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 400k', 'mmap 0 2m', 'pin 4k 4k', 'madvise -c', 'unpin', 'madvise -c', 'madvise -c']);
    expect([obs[4]!.ret, layout(obs[4]!)]).toEqual(['EAGAIN', '0-99:0']);
    expect([obs[6]!.ret, layout(obs[6]!)]).toEqual([0n, '0:9']);
    expect([obs[7]!.ret, layout(obs[7]!)]).toEqual([0n, '0:9']); // already PMD-sized: success
  });

  it('merges 32 order-4 folios of anonymous shared memory into one', () => {
    const obs = run(['thp hugepages-64kB=always', 'mount anon 4m', 'mread 0 2m', 'thp hugepages-64kB=never', 'madvise -c 0 2m']);
    expect(obs[2]!.stats).toEqual({ '64kB': { shmem_alloc: 32 } });
    expect([obs[4]!.ret, layout(obs[4]!), obs[4]!.stats]).toEqual([0n, '0:9', {}]);
  });

  it.each([
    ['2048kB=inherit with global never', 'inherit', false, [0n, '0:9']],
    ['2048kB=never', 'never', false, ['EINVAL', '0:0']],
    ['2048kB=advise without MADV_HUGEPAGE', 'advise', false, ['EINVAL', '0:0']],
    ['2048kB=advise with MADV_HUGEPAGE', 'advise', true, [0n, '0:9']],
  ])('gates anonymous shared memory by the PMD size: %s', (_what, setting, advised, want) => {
    const lines = [`thp hugepages-2048kB=${setting}`, 'mount anon 2m', 'mread 0 4k', ...(advised ? ['madvise -h'] : []), 'madvise -c'];
    const o = run([...lines, 'thp hugepages-2048kB=inherit']).at(-2)!;
    expect([o.ret, layout(o)]).toEqual(want);
  });

  it('emits the collapse into the event-sourced lifecycle: old folios end collapsed-into a folio born collapsed', () => {
    // The oracle replays the event log after every command and compares it with the page cache.
    expect(() => run(['mount tmpfs huge=never', 'pwrite 0 64k', 'mmap 0 2m', 'madvise -c', 'pwrite 0 4k'])).not.toThrow();
  });
});

describe('khugepaged', () => {
  it.each([
    ['huge=always, 100 small folios of a 400K file (block past EOF)', ['mount tmpfs huge=never', 'pwrite 0 400k', 'remount huge=always', 'mmap 0 2m'], '0:9'],
    ['huge=advise without MADV_HUGEPAGE', ['mount tmpfs huge=never', 'pwrite 0 400k', 'remount huge=advise', 'mmap 0 2m'], '0-99:0'],
    ['huge=advise with MADV_HUGEPAGE', ['mount tmpfs huge=never', 'pwrite 0 400k', 'remount huge=advise', 'mmap 0 2m', 'madvise -h'], '0:9'],
    ['huge=within_size with i_size 400K', ['mount tmpfs huge=never', 'pwrite 0 400k', 'remount huge=within_size', 'mmap 0 2m'], '0-99:0'],
    ['huge=within_size with i_size 2M', ['mount tmpfs huge=never', 'pwrite 0 400k', 'remount huge=within_size', 'mmap 0 2m', 'truncate 2m'], '0:9'],
    ['huge=never', ['mount tmpfs huge=never', 'pwrite 0 400k', 'mmap 0 2m', 'madvise -h'], '0-99:0'],
    ['a pinned page', ['mount tmpfs huge=never', 'pwrite 0 400k', 'remount huge=always', 'mmap 0 2m', 'pin 0 4k'], '0-99:0'],
  ])('one pass with %s gives %s', (_what, lines, want) => {
    expect(layout(run([...lines, 'khugepaged']).at(-1)!)).toBe(want);
  });

  it.each([
    [0, 'pwrite 0 2m', '0:9'],
    [0, 'pwrite 0 2093056', '0-510:0'],
    [511, 'pwrite 0 4k', '0:9'],
    [100, 'pwrite 0 1m', '0-255:0'],
    [300, 'pwrite 0 1m', '0:9'],
  ])('with max_ptes_none=%i collapses only blocks with at least 512 − max_ptes_none pages (%s → %s)', (none, write, want) => {
    const o = run([`thp khugepaged.max_ptes_none=${none}`, 'mount tmpfs huge=never', write, 'remount huge=always', 'mmap 0 2m', 'khugepaged']).at(-1)!;
    expect(layout(o)).toBe(want);
  });
});

describe('MADV_COLLAPSE and fallocated folios', () => {
  it('fails the block (EINVAL) on a fallocated folio past EOF and collapses once EOF covers it', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 40k', 'falloc -k 40k 100k', 'mmap 0 2m', 'madvise -c', 'truncate 200k', 'madvise -c']);
    expect([obs[4]!.ret, obs[4]!.folios.length]).toEqual(['EINVAL', 35]);
    expect([obs[6]!.ret, layout(obs[6]!)]).toEqual([0n, '0:9']);
  });
});

// A block holding a fallocated PMD folio: builds of 6.18.44 differ (kernel.md §11, issue 15).
describe('MADV_COLLAPSE over a fallocated PMD folio', () => {
  const ANON = ['thp shmem_enabled=within_size', 'mount anon 8m', 'falloc -k 2m 4m', 'madvise -c 2m 2m', 'seek -d 2m'];

  it('answers EINVAL and leaves the folio not uptodate, as 6.18.44-fc-v1272 does (conformance 646)', () => {
    const obs = run(ANON);
    expect([obs[3]!.ret, layout(obs[3]!), obs[3]!.blocks]).toEqual(['EINVAL', '512:9* 1024:9*', 8192n]);
    expect(obs[4]!.ret).toBe('ENXIO');
  });

  it('ends the walk there: the block after it keeps its small folio (conformance 647)', () => {
    const obs = run(['thp shmem_enabled=always', 'mount anon 8m', 'falloc -k 2m 2m', 'thp shmem_enabled=never', 'pwrite 4m 4k', 'madvise -c 2m 4m']);
    expect([obs[5]!.ret, layout(obs[5]!)]).toEqual(['EINVAL', '512:9* 1024:0']);
  });

  it('collapses nothing on tmpfs either, until a fault makes the folio uptodate (conformance 648)', () => {
    const obs = run(['mount tmpfs huge=always', 'falloc 0 2m', 'mmap', 'madvise -c', 'mread 0 4k', 'madvise -c']);
    expect(obs.slice(3).map((o) => [o.ret, layout(o)])).toEqual([['EINVAL', '0:9*'], [0n, '0:9'], [0n, '0:9']]);
  });

  it('counts the block as collapsed under collapse-passes-fallocated-pmd: 0, the folio stays not uptodate', () => {
    // As the issue reports earlier 6.18.44 builds: return 0, folio not uptodate, no data.
    const obs = run(ANON, 'collapse-passes-fallocated-pmd');
    expect([obs[3]!.ret, layout(obs[3]!), obs[3]!.blocks]).toEqual([0n, '512:9* 1024:9*', 8192n]);
    expect(obs[4]!.ret).toBe('ENXIO');
    const walk = run(['thp shmem_enabled=always', 'mount anon 8m', 'falloc -k 2m 2m', 'thp shmem_enabled=never', 'pwrite 4m 4k', 'madvise -c 2m 4m'],
      'collapse-passes-fallocated-pmd');
    expect([walk[5]!.ret, layout(walk[5]!)]).toEqual([0n, '512:9* 1024:9']);
  });
});

describe('a collapse that fails after instantiating fallocated folios', () => {
  it('keeps those before a fallocated folio past EOF uptodate (EINVAL; conformance 651)', () => {
    const obs = run(['mount sysv 4m', 'truncate 2932736', 'falloc -k 2m 1m', 'madvise -c 2m 2m']);
    const o = obs[3]!;
    expect(o.ret).toBe('EINVAL');
    // i_size 716 pages: 512..715 instantiated, 716..767 (past EOF) not.
    expect(o.folios.filter(([, , u]) => u === 1).map(([p]) => p)).toEqual(Array.from({ length: 204 }, (_, n) => 512 + n));
    expect(o.folios.filter(([, , u]) => u === 0).map(([p]) => p)).toEqual(Array.from({ length: 52 }, (_, n) => 716 + n));
  });

  it.each([
    ['MADV_COLLAPSE', 'madvise -c', 'EINVAL'],
    ['khugepaged', 'khugepaged', 0n],
  ])('keeps every fallocated folio of the block uptodate when %s fails on the size= limit (conformance 650, 652)', (_who, op, ret) => {
    const obs = run(['mount tmpfs huge=never size=256k', 'falloc -k 1m 64k', 'pwrite 4m 4k', 'remount huge=always', 'mmap', op]);
    const o = obs[5]!;
    expect([o.ret, layout(o)]).toEqual([ret, '256-271:0 1024:0']);
  });
});

describe('MADV_COLLAPSE and the mapping', () => {
  it('maps each block it collapsed with a PMD: a page past EOF in it takes no fault (conformance 653)', () => {
    const obs = run(['mount tmpfs huge=never', 'pwrite 0 4m', 'mmap', 'truncate 2200k', 'madvise -c', 'mwrite 4000k 4k']);
    expect([obs[4]!.ret, layout(obs[4]!)]).toEqual([0n, '0:9 512:9']);
    expect(obs[5]!.ret).toBe(0n);
  });
});
