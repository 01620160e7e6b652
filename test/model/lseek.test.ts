/**
 * SEEK_DATA / SEEK_HOLE (kernel.md §4, `mapping_seek_hole_data`): ENXIO rules, folio-granular
 * data, the i_size clamp, and the xfstests `seek_sanity_test` cases that need no fallocate or
 * punch (1–6, 10–12, 18–20), with `alloc_size` = 4096 on huge=never (order-0 folios).
 */
import { describe, expect, it } from 'vitest';
import { G, K, M, folios, last, titled } from './_helpers.js';

type Whence = 'd' | 'h';
/** `[whence, offset, expected]`: `seek -WHENCE OFFSET` answers `expected`. */
type Probe = readonly [whence: Whence, offset: bigint, expected: bigint | 'ENXIO'];

const NAME: Record<Whence, string> = { d: 'SEEK_DATA', h: 'SEEK_HOLE' };

/** One it() per probe: the setup, then the probe as the last line. */
function probeCases(label: string, setup: readonly string[], probes: readonly Probe[]) {
  return titled(
    probes.map(([whence, offset, expected], n) => ({
      title: `${label} #${n + 1}: ${NAME[whence]} from ${offset} returns ${expected}`,
      lines: [...setup, `seek -${whence} ${offset}`],
      expected,
    })),
  );
}

function expectProbe(lines: readonly string[], expected: bigint | 'ENXIO'): void {
  const o = last(lines);
  expect(o.ret).toBe(expected);
  expect(o.stats).toEqual({});
}

describe('lseek: ENXIO rules', () => {
  const DATA_4K = ['mount tmpfs', 'pwrite 0 4k'];
  it.each([
    ...probeCases('negative offset', DATA_4K, [
      ['d', -1n, 'ENXIO'],
      ['h', -1n, 'ENXIO'],
      ['d', -4096n, 'ENXIO'],
    ]),
    ...probeCases('offset at or past i_size', DATA_4K, [
      ['d', 4096n, 'ENXIO'],
      ['h', 4096n, 'ENXIO'],
      ['d', 4097n, 'ENXIO'],
      ['h', 1n << 40n, 'ENXIO'],
      ['d', (1n << 63n) - 1n, 'ENXIO'],
      ['h', (1n << 63n) - 1n, 'ENXIO'],
    ]),
  ])('%s', (_title, { lines, expected }) => expectProbe(lines, expected));

  it.each(['-d', '-h'])('returns ENXIO for seek %s -0x8000000000000000 (−2^63)', (flag) => {
    expectProbe(['mount tmpfs', 'pwrite 0 4k', `seek ${flag} -0x8000000000000000`], 'ENXIO');
  });

  it('leaves the page cache alone', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'seek -h 0']);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.size).toBe(4096n);
    expect(o.blocks).toBe(4096n);
  });
});

describe('lseek: large folios are data as a whole (kernel.md §4)', () => {
  const ALWAYS_4K = ['mount tmpfs huge=always', 'pwrite 0 4k'];
  const ALWAYS_4M_4K = ['mount tmpfs huge=always', 'truncate 4m', 'pwrite 0 4k'];
  it.each([
    // The 0:9 folio reaches past EOF: SEEK_HOLE is clamped to i_size.
    ...probeCases('huge=always 4K write', ALWAYS_4K, [
      ['h', 0n, 4096n],
      ['h', 4095n, 4096n],
      ['d', 0n, 0n],
      ['d', 4095n, 4095n],
    ]),
    // i_size 4M, one uptodate 0:9 folio: the unwritten part of it is data too.
    ...probeCases('huge=always ftruncate 4M + 4K write', ALWAYS_4M_4K, [
      ['h', 0n, 2n * M],
      ['h', 4096n, 2n * M],
      ['h', 2n * M - 1n, 2n * M],
      ['h', 2n * M, 2n * M],
      ['h', 3n * M, 3n * M],
      ['d', 4096n, 4096n],
      ['d', 2n * M - 1n, 2n * M - 1n],
      ['d', 2n * M, 'ENXIO'],
    ]),
    // xfstests case 6 pattern on huge=always: one 0:9 folio makes the whole file data.
    ...probeCases('huge=always hole/data/hole/data', [
      'mount tmpfs huge=always', 'pwrite 4k 4k', 'pwrite 12k 4k',
    ], [
      ['d', 0n, 0n],
      ['h', 0n, 16n * K],
      ['h', 8n * K, 16n * K],
    ]),
    // xfstests case 19 pattern on huge=always: the data starts at the folio, before the write.
    // kernel.md silent; measured on 6.18.44 (agrees) on this exact case; derived from §4 (an uptodate folio is data as a whole).
    ...probeCases('huge=always data in the middle of a large hole', [
      'mount tmpfs huge=always', `pwrite ${1036n * 4096n} 4k`,
    ], [
      ['d', 4096n, 4n * M],
      ['d', 4n * M + 1n, 4n * M + 1n],
      ['h', 4n * M, 1037n * 4096n],
    ]),
    // within_size 64K@60K: 0:4 16:3 24:2 28:1 30:0, all data up to i_size.
    ...probeCases('within_size 64K@60K', ['mount tmpfs huge=within_size', 'pwrite 60k 64k'], [
      ['d', 0n, 0n],
      ['h', 0n, 124n * K],
    ]),
  ])('%s', (_title, { lines, expected }) => expectProbe(lines, expected));
});

describe('lseek: xfstests seek_sanity_test cases on order-0 folios', () => {
  const BS = 4096n;

  // 01: empty file.
  const case01 = probeCases('01 empty file', ['mount tmpfs'], [
    ['d', 0n, 'ENXIO'],
    ['h', 0n, 'ENXIO'],
    ['h', 1n, 'ENXIO'],
  ]);

  // 02: tiny full file, 8 bytes.
  const case02 = probeCases('02 tiny full file', ['mount tmpfs', 'pwrite 0 8'], [
    ['h', 0n, 8n],
    ['d', 0n, 0n],
    ['d', 1n, 1n],
    ['h', 7n, 8n],
    ['d', 7n, 7n],
    ['h', 8n, 'ENXIO'],
    ['d', 8n, 'ENXIO'],
    ['h', 9n, 'ENXIO'],
    ['d', 9n, 'ENXIO'],
  ]);

  // 03: larger full file, 2 blocks + 100 bytes.
  const F3 = 2n * BS + 100n;
  const case03 = probeCases('03 larger full file', ['mount tmpfs', `pwrite 0 ${F3}`], [
    ['h', 0n, F3],
    ['h', 1n, F3],
    ['d', 0n, 0n],
    ['d', 1n, 1n],
    ['h', F3 - 1n, F3],
    ['d', F3 - 1n, F3 - 1n],
    ['h', F3, 'ENXIO'],
    ['d', F3, 'ENXIO'],
    ['h', F3 + 1n, 'ENXIO'],
    ['d', F3 + 1n, 'ENXIO'],
  ]);

  // 04: hole at the start, 8 bytes of data at 2 blocks.
  const H4 = 2n * BS;
  const F4 = H4 + 8n;
  const case04 = probeCases('04 hole then data', ['mount tmpfs', `pwrite ${H4} 8`], [
    ['h', 0n, 0n],
    ['h', 1n, 1n],
    ['d', 0n, H4],
    ['d', 1n, H4],
    ['h', H4 - 1n, H4 - 1n],
    ['d', H4 - 1n, H4],
    ['h', H4, F4],
    ['d', H4, H4],
    ['h', H4 + 1n, F4],
    ['d', H4 + 1n, H4 + 1n],
    ['h', F4 - 1n, F4],
    ['d', F4 - 1n, F4 - 1n],
    ['h', F4, 'ENXIO'],
    ['d', F4, 'ENXIO'],
    ['h', F4 + 1n, 'ENXIO'],
    ['d', F4 + 1n, 'ENXIO'],
  ]);

  // 05: data at the start, hole to the end of a 4-block file.
  const F5 = 4n * BS;
  const case05 = probeCases('05 data then hole', ['mount tmpfs', `truncate ${F5}`, `pwrite 0 ${BS}`], [
    ['h', 0n, BS],
    ['h', 1n, BS],
    ['d', 0n, 0n],
    ['d', 1n, 1n],
    ['h', BS - 1n, BS],
    ['d', BS - 1n, BS - 1n],
    ['h', BS, BS],
    ['d', BS, 'ENXIO'],
    ['h', BS + 1n, BS + 1n],
    ['d', BS + 1n, 'ENXIO'],
    ['h', F5 - 1n, F5 - 1n],
    ['d', F5 - 1n, 'ENXIO'],
    ['h', F5, 'ENXIO'],
    ['d', F5, 'ENXIO'],
    ['h', F5 + 1n, 'ENXIO'],
    ['d', F5 + 1n, 'ENXIO'],
  ]);

  // 06: hole, data, hole, data (one block each).
  const F6 = 4n * BS;
  const SETUP06 = ['mount tmpfs', `pwrite ${BS} ${BS}`, `pwrite ${3n * BS} ${BS}`];
  const case06 = probeCases('06 hole/data/hole/data', SETUP06, [
    ['h', 0n, 0n],
    ['h', 1n, 1n],
    ['d', 0n, BS],
    ['d', 1n, BS],
    ['h', BS - 1n, BS - 1n],
    ['d', BS - 1n, BS],
    ['h', BS, 2n * BS],
    ['d', BS, BS],
    ['h', BS + 1n, 2n * BS],
    ['d', BS + 1n, BS + 1n],
    ['h', 2n * BS - 1n, 2n * BS],
    ['d', 2n * BS - 1n, 2n * BS - 1n],
    ['h', 2n * BS, 2n * BS],
    ['d', 2n * BS, 3n * BS],
    ['h', 2n * BS + 1n, 2n * BS + 1n],
    ['d', 2n * BS + 1n, 3n * BS],
    ['h', 3n * BS - 1n, 3n * BS - 1n],
    ['d', 3n * BS - 1n, 3n * BS],
    ['h', 3n * BS, F6],
    ['d', 3n * BS, 3n * BS],
    ['h', 3n * BS + 1n, F6],
    ['d', 3n * BS + 1n, 3n * BS + 1n],
    ['h', F6 - 1n, F6],
    ['d', F6 - 1n, F6 - 1n],
    ['h', F6, 'ENXIO'],
    ['d', F6, 'ENXIO'],
    ['h', F6 + 1n, 'ENXIO'],
    ['d', F6 + 1n, 'ENXIO'],
  ]);

  // 10–12: huge files, 16 blocks of data at the start and at the end, a huge hole between.
  function hugeFile(label: string, filsz: bigint) {
    const len = 16n * BS;
    const off = filsz - len;
    return probeCases(label, ['mount tmpfs', `pwrite 0 ${len}`, `pwrite ${off} ${len}`], [
      ['h', 0n, len],
      ['h', 1n, len],
      ['d', 0n, 0n],
      ['d', 1n, 1n],
      ['h', off, off + len],
      ['d', off, off],
      ['d', off + 1n, off + 1n],
      ['d', off - len, off],
    ]);
  }
  const case10 = hugeFile('10 8G file', 8n * G);
  const case11 = hugeFile('11 huge file (block number signedness)', (BS << 31n) + M);
  const case12 = hugeFile('12 huge file (block number overflow)', (BS << 32n) + M);

  // 18: negative offsets on an empty file.
  const case18 = probeCases('18 negative offsets', ['mount tmpfs', 'truncate 0'], [
    ['h', -1n, 'ENXIO'],
    ['d', -1n, 'ENXIO'],
    ['h', -(1n << 63n), 'ENXIO'],
    ['d', -(1n << 63n), 'ENXIO'],
  ]);

  // 19: SEEK_DATA from the middle of a large hole (ext2/3 indirect-tree sizes).
  const F19 = (12n + BS / 4n + 1n) * BS;
  const case19 = probeCases('19 data after a large hole', ['mount tmpfs', `pwrite ${F19 - BS} ${BS}`], [
    ['d', BS, F19 - BS],
    ['d', 12n * BS, F19 - BS],
    ['d', (12n + BS / 4n - 8n) * BS, F19 - BS],
  ]);

  // 20: SEEK_DATA from the middle of a huge hole (ext2/3 doubly and triply indirect offsets).
  const Q = BS / 4n;
  const F20 = (12n + Q + 8n * Q * Q + 2n * Q + 5n) * BS;
  const case20 = probeCases('20 data after a huge hole', ['mount tmpfs', `pwrite ${F20 - BS} ${BS}`], [
    ['d', 14n * BS, F20 - BS],
    ['d', (12n + 2n * Q) * BS, F20 - BS],
    ['d', (12n + Q + Q * Q + 3n * Q + 5n) * BS, F20 - BS],
    ['d', (12n + Q + 7n * Q * Q + 5n * Q) * BS, F20 - BS],
    ['d', (12n + Q + 8n * Q * Q + Q + 11n) * BS, F20 - BS],
  ]);

  it.each([
    ...case01, ...case02, ...case03, ...case04, ...case05, ...case06,
    ...case10, ...case11, ...case12, ...case18, ...case19, ...case20,
  ])('%s', (_title, { lines, expected }) => expectProbe(lines, expected));
});

describe('lseek: i_size above 2^53 (exact bigint offsets)', () => {
  const P53 = 1n << 53n;
  // Data in page 0 and in the page at 2^53; i_size = 2^53 + 8193 (a hole of 2 pages + 1 byte at the end).
  const SETUP = ['mount tmpfs', 'pwrite 0 4k', 'pwrite 0x20000000000000 4k', 'truncate 0x20000000002001'];

  it('keeps i_size exact at 2^53 + 8193', () => {
    const o = last(SETUP);
    expect(o.size).toBe(P53 + 8193n);
    expect(o.folios).toEqual(folios(`0:0 ${Number(P53 / 4096n)}:0`));
    expect(o.blocks).toBe(16n);
  });

  it.each(
    probeCases('2^53 file', SETUP, [
      ['h', 0n, 4096n],
      ['d', 4096n, P53],
      ['d', 4097n, P53],
      ['d', P53 - 1n, P53],
      ['d', P53 + 1n, P53 + 1n],
      ['d', P53 + 4095n, P53 + 4095n],
      ['h', P53, P53 + 4096n],
      ['h', P53 + 1n, P53 + 4096n],
      ['h', P53 + 4097n, P53 + 4097n],
      ['d', P53 + 4096n, 'ENXIO'],
      ['h', P53 + 8192n, P53 + 8192n],
      ['h', P53 + 8193n, 'ENXIO'],
      ['d', P53 + 8193n, 'ENXIO'],
    ]),
  )('%s', (_title, { lines, expected }) => expectProbe(lines, expected));
});
