/**
 * fpunch (fallocate PUNCH_HOLE|KEEP_SIZE) through large folios: kernel.md §3.2–§3.5 and every
 * punch row of the §3.7 table, each checked for layout (with uptodate flags), stats delta,
 * st_blocks, i_size and SEEK_HOLE(0); plus the content rules (punched bytes read back as zeros)
 * and the errno edge cases of vfs_fallocate(). Every row was re-measured on 6.18 with the probe.
 */
import { describe, expect, it } from 'vitest';
import type { StatsDelta } from '../../src/script/observation.js';
import type { Section37Row } from './_helpers.js';
import { K, M, expectSection37Row, folios, last, nth, run, titled } from './_helpers.js';

/** `{ '2048kB': { split: 1 }, ... }` for each size named. */
function splits(...sizes: string[]): StatsDelta {
  const out: Record<string, Record<string, number>> = {};
  for (const s of sizes) {
    const c = (out[s] ??= {});
    c['split'] = (c['split'] ?? 0) + 1;
  }
  return out;
}

type PunchRow = Section37Row;

const PMD_FILE = ['mount tmpfs huge=always', 'pwrite 0 2m'];

// kernel.md §3.7, the rows that need no pin or mapping.
const ROWS: readonly PunchRow[] = [
  { title: 'punch 64K@1M', setup: PMD_FILE, ops: ['fpunch 1m 64k'],
    layout: '0:8 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7', stats: splits('2048kB', '64kB'), size: 2n * M, hole: M },
  { title: 'punch 4K@0', setup: PMD_FILE, ops: ['fpunch 0 4k'],
    layout: '1:0 2:1 4:2 8:3 16:4 32:5 64:6 128:7 256:8', stats: splits('2048kB'), size: 2n * M, hole: 0n },
  { title: 'punch last 4K', setup: PMD_FILE, ops: ['fpunch 0x1ff000 4k'],
    layout: '0:8 256:7 384:6 448:5 480:4 496:3 504:2 508:1 510:0', stats: splits('2048kB'), size: 2n * M, hole: 2n * M - 4n * K },
  { title: 'punch [0,1M)', setup: PMD_FILE, ops: ['fpunch 0 1m'],
    layout: '256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7', stats: splits('2048kB', '1024kB'), size: 2n * M, hole: 0n },
  { title: 'punch [1M,2M)', setup: PMD_FILE, ops: ['fpunch 1m 1m'],
    layout: '0:8', stats: splits('2048kB'), size: 2n * M, hole: M },
  { title: 'punch [0,2M)', setup: PMD_FILE, ops: ['fpunch 0 2m'],
    layout: '', stats: {}, size: 2n * M, hole: 0n },
  { title: 'punch 100 B @1M+10', setup: PMD_FILE, ops: ['fpunch 0x10000a 100'],
    layout: '0:8 256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7', stats: splits('2048kB'), size: 2n * M, hole: 2n * M },
  { title: 'punch pages 1–3', setup: PMD_FILE, ops: ['fpunch 4k 12k'],
    layout: '0:0 4-5:0 6:1 8:3 16:4 32:5 64:6 128:7 256:8', stats: splits('2048kB', '16kB'), size: 2n * M, hole: 4n * K },
  { title: 'punch [4K, 2M−4K)', setup: PMD_FILE, ops: ['fpunch 4k 0x1fe000'],
    layout: '0:0 511:0', stats: splits('2048kB', '1024kB'), size: 2n * M, hole: 4n * K },
  { title: 'punch 64K@1M then 64K@512K', setup: [...PMD_FILE, 'fpunch 1m 64k'], ops: ['fpunch 512k 64k'],
    layout: '0:7 144-145:0 146:1 148:2 152:3 160:5 192:6 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7',
    stats: splits('1024kB', '64kB'), size: 2n * M, hole: 512n * K },
  { title: '4M file, punch [2M−64K, 2M+64K)', setup: ['mount tmpfs huge=always', 'pwrite 0 4m'], ops: ['fpunch 0x1f0000 128k'],
    layout: '0:8 256:7 384:6 448:5 480:4 528-529:0 530:1 532:2 536:3 544:5 576:6 640:7 768:8',
    stats: { '2048kB': { split: 2 }, '64kB': { split: 1 } }, size: 4n * M, hole: 2n * M - 64n * K },
  { title: '4K file (folio 0:9 past EOF), punch [64K,128K)', setup: ['mount tmpfs huge=always', 'pwrite 0 4k'],
    ops: ['fpunch 64k 64k'], layout: '0:4', stats: splits('2048kB'), size: 4n * K, hole: 4n * K },
  { title: 'within_size 64K file 0:4, punch 4K@16K', setup: ['mount tmpfs huge=within_size', 'pwrite 0 64k'],
    ops: ['fpunch 16k 4k'], layout: '0:2 5:0 6:1 8:3', stats: splits('64kB'), size: 64n * K, hole: 16n * K },
];

describe('fpunch: kernel.md §3.7 rows', () => {
  it.each(titled(ROWS))('%s', (_title, row) => expectSection37Row(row));

  it('puts the first data at 4K after punching 4K@0 (SEEK_DATA)', () => {
    expect(last([...PMD_FILE, 'fpunch 0 4k', 'seek -d 0']).ret).toBe(4n * K);
  });

  it('leaves no data after punching [0,2M) (SEEK_DATA ENXIO)', () => {
    expect(last([...PMD_FILE, 'fpunch 0 2m', 'seek -d 0']).ret).toBe('ENXIO');
  });

  it('frees exactly the pages of 64K@1M: st_blocks 4096 → 3968', () => {
    expect(nth([...PMD_FILE, 'fpunch 1m 64k'], 1).blocks).toBe(4096n);
    expect(last([...PMD_FILE, 'fpunch 1m 64k']).blocks).toBe(3968n);
  });
});

describe('fpunch: content', () => {
  it('reads the punched range back as zeros and the rest as written', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite -S 0xab 0 2m', 'fpunch 0x10000a 100', 'pread 0x100000 4k']);
    expect(o.data).toEqual([[0, 10, 0xab], [10, 100, 0], [110, 4096 - 110, 0xab]]);
  });

  it('zeroes a sub-page range of an order-0 folio without freeing it', () => {
    const o = last(['mount tmpfs', 'pwrite -S 7 0 8k', 'fpunch 100 200', 'pread 0 8k']);
    expect(o.data).toEqual([[0, 100, 7], [100, 200, 0], [300, 8192 - 300, 7]]);
  });

  it('keeps a sub-page punch of an order-0 folio out of st_blocks and stats', () => {
    const o = nth(['mount tmpfs', 'pwrite 0 8k', 'fpunch 100 200'], 2);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.blocks).toBe(16n);
    expect(o.stats).toEqual({});
  });

  it('removes whole order-0 folios inside the range and keeps i_size', () => {
    const o = last(['mount tmpfs', 'pwrite 0 64k', 'fpunch 6k 16k']);
    expect(o.folios).toEqual(folios('0-1:0 5-15:0'));
    expect(o.size).toBe(64n * K);
    expect(o.stats).toEqual({});
  });
});

describe('fpunch: beyond EOF and fallocend', () => {
  it('punches past EOF without changing i_size', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'fpunch 1m 1m']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual(folios('0:8'));
    expect(o.size).toBe(4n * K);
    expect(o.stats).toEqual(splits('2048kB'));
  });

  it('keeps KEEP_SIZE pieces up to fallocend when the punch ends before it', () => {
    // fallocend 512 lies past the punch [0, 1): pieces below 512 all stay.
    const o = last(['mount tmpfs huge=always', 'falloc -k 0 2m', 'fpunch 0 4k']);
    expect(o.folios).toEqual(folios('1:0* 2:1* 4:2* 8:3* 16:4* 32:5* 64:6* 128:7* 256:8*'));
    expect(o.stats).toEqual(splits('2048kB'));
  });

  it('keeps fallocend when it lies past the punched pages: the piece below it stays', () => {
    // `falloc -k 0 8k`: fallocend 2; the punch covers page 0 only, so page 1 stays.
    expect(last(['mount tmpfs huge=always', 'falloc -k 0 8k', 'fpunch 0 4k']).folios).toEqual(folios('1:0*'));
  });

  it('moves fallocend back to the punch start when it lies in (start, end] (kernel.md §11)', () => {
    // Pages [1, 3) punched, fallocend 2 → 1: every piece from page 1 on is past max(EOF, fallocend).
    const o = last(['mount tmpfs huge=always', 'falloc -k 0 8k', 'fpunch 4k 8k']);
    expect(o.folios).toEqual(folios('0:0*'));
    expect(o.blocks).toBe(8n);
    expect(o.stats).toEqual(splits('2048kB'));
  });
});

describe('fpunch: refused calls', () => {
  it.each(titled([
    { title: 'EINVAL for a zero length', op: 'fpunch 0 0', errno: 'EINVAL' },
    { title: 'EFBIG past MAX_LFS_FILESIZE', op: 'fpunch 0x7fffffffffffffff 1', errno: 'EFBIG' },
  ]))('%s', (_title, { op, errno }) => {
    const o = last([...PMD_FILE, op]);
    expect(o.ret).toBe(errno);
    expect(o.folios).toEqual(folios('0:9'));
    expect(o.stats).toEqual({});
  });

  it('answers EBADF without a file', () => {
    expect(last(['fpunch 0 4k']).ret).toBe('EBADF');
  });
});

describe('fpunch and truncate: §3.7 rows that need a mapping or a pin', () => {
  it('fails the split and only zeroes when any page of the folio is pinned', () => {
    const obs = run([...PMD_FILE, 'mmap', 'pin 0 4k', 'fpunch 1m 64k', 'seek -h 0', 'pread 1m 64k']);
    const punch = obs[4]!;
    expect(punch.folios).toEqual(folios('0:9'));
    expect(punch.stats).toEqual({ '2048kB': { split_failed: 1 } });
    expect(punch.blocks).toBe(4096n);
    expect(obs[5]!.ret).toBe(2n * M);
    expect(obs[6]!.data).toEqual([[0, 65536, 0]]);
  });

  it('splits once the pin is dropped', () => {
    const o = last([...PMD_FILE, 'mmap', 'pin 0 4k', 'fpunch 1m 64k', 'unpin', 'fpunch 1m 64k']);
    expect(o.folios).toEqual(folios('0:8 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7'));
    expect(o.stats).toEqual(splits('2048kB', '64kB'));
  });

  it('splits a PMD-mapped folio as the first row does', () => {
    const o = last([...PMD_FILE, 'mmap', 'mread', 'fpunch 1m 64k']);
    expect(o.folios).toEqual(folios('0:8 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7'));
    expect(o.stats).toEqual(splits('2048kB', '64kB'));
    expect(o.blocks).toBe(3968n);
  });

  it('splits a memfd 0:4 (64kB=always fault) punched 4K@20K into 0:2 4:0 6-7:0 8:3', () => {
    const o = last(['thp hugepages-64kB=always', 'mount memfd', 'truncate 64k', 'mmap', 'mread 0 4k', 'fpunch 20k 4k']);
    expect(o.folios).toEqual(folios('0:2 4:0 6-7:0 8:3'));
    expect(o.stats).toEqual(splits('64kB', '8kB'));
  });

  it('keeps 0:9 past EOF when a truncate to 1M+4K meets a pinned page', () => {
    const o = last([...PMD_FILE, 'mmap', 'pin 0x1ff000 4k', 'truncate 0x101000']);
    expect(o.folios).toEqual(folios('0:9'));
    expect(o.stats).toEqual({ '2048kB': { split_failed: 1 } });
    expect(o.size).toBe(M + 4n * K);
  });
});
