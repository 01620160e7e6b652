import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/script/index.js';
import { kernelSkipReason, run } from './_kernel.js';
import { layout } from './_layout.js';

// kernel.md §3.7 on a `0:9` file (2 MiB written on huge=always):
// [operation, line, layout, stats, st_blocks, SEEK_HOLE(0)]
type Row = readonly [string, string, string, Record<string, Record<string, number>>, bigint, bigint | string];
const S = (...sizes: string[]): Record<string, Record<string, number>> =>
  Object.fromEntries(sizes.map((s) => [s, { split: 1 }]));
const ROWS: readonly Row[] = [
  ['punch 64K@1M', 'fpunch 1m 64k', '0:8 272-273:0 274:1 276:2 280:3 288:5 320:6 384:7', S('2048kB', '64kB'), 3968n, 0x100000n],
  ['punch 4K@0', 'fpunch 0 4k', '1:0 2:1 4:2 8:3 16:4 32:5 64:6 128:7 256:8', S('2048kB'), 4088n, 0n],
  ['punch last 4K', 'fpunch 0x1ff000 4k', '0:8 256:7 384:6 448:5 480:4 496:3 504:2 508:1 510:0', S('2048kB'), 4088n, 0x1ff000n],
  ['punch [0,1M)', 'fpunch 0 1m', '256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7', S('2048kB', '1024kB'), 2048n, 0n],
  ['punch [1M,2M)', 'fpunch 1m 1m', '0:8', S('2048kB'), 2048n, 0x100000n],
  ['punch [0,2M)', 'fpunch 0 2m', '', {}, 0n, 0n],
  ['punch 100 B @1M+10', 'fpunch 0x10000a 100', '0:8 256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7', S('2048kB'), 4096n, 0x200000n],
  ['punch pages 1–3', 'fpunch 4k 12k', '0:0 4-5:0 6:1 8:3 16:4 32:5 64:6 128:7 256:8', S('2048kB', '16kB'), 4072n, 4096n],
  ['punch [4K, 2M−4K)', 'fpunch 4k 0x1fe000', '0:0 511:0', S('2048kB', '1024kB'), 16n, 4096n],
  ['ftruncate 2M→1M+4K', 'truncate 0x101000', '0:8 256:0', S('2048kB'), 2056n, 0x101000n],
  ['ftruncate 2M→1M', 'truncate 1m', '0:8', S('2048kB'), 2048n, 0x100000n],
  ['ftruncate 2M→4K', 'truncate 4k', '0:0', S('2048kB'), 8n, 4096n],
  ['ftruncate 2M→0', 'truncate 0', '', {}, 0n, 'ENXIO'],
];

describe.skipIf(kernelSkipReason !== undefined)('punch and truncate of a PMD folio (kernel.md §3.7)', () => {
  let obs: readonly Observation[] = [];
  beforeAll(async () => {
    const lines = ROWS.flatMap(([, op]) => ['mount tmpfs huge=always', 'pwrite 0 2m', op, 'seek -h 0']);
    // The pinned row last: its pin outlives the mount.
    lines.push('mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 0 4k', 'fpunch 1m 64k', 'seek -h 0');
    obs = (await run(lines.join('\n'))).observations;
  });

  it.each(ROWS.map((row, r) => [row[0], r, row] as const))('%s', (_name, r, [, , folios, stats, blocks, hole]) => {
    const op = obs[4 * r + 2];
    expect(op?.ret).toBe(0n);
    expect(op?.folios).toEqual(layout(folios));
    expect(op?.stats).toEqual(stats);
    expect(op?.blocks).toBe(blocks);
    expect(obs[4 * r + 3]?.ret).toBe(hole);
  });

  it('fails the split and only zeroes when a page of the folio is pinned', () => {
    const [pin, punch, hole] = obs.slice(-3);
    expect(pin?.ret).toBe(4096n);
    expect(punch?.folios).toEqual([[0, 9, 1]]);
    expect(punch?.stats).toEqual({ '2048kB': { split_failed: 1 } });
    expect(punch?.blocks).toBe(4096n);
    expect(hole?.ret).toBe(0x200000n);
  });
});

describe.skipIf(kernelSkipReason !== undefined)('lseek SEEK_DATA/SEEK_HOLE (kernel.md §4)', () => {
  const script = `
    mount tmpfs huge=always
    truncate 4m
    pwrite 0 4k
    seek -h 0                       # a large uptodate folio is data as a whole: 2M
    seek -d 0                       # 0
    seek -d 4m                      # offset >= i_size: ENXIO
    seek -h -1                      # negative: ENXIO
    seek -h -0x8000000000000000     # -2^63: ENXIO
    seek -d 3m                      # no data before EOF: ENXIO
    seek -h 3m                      # inside a hole: itself
    mount tmpfs huge=always
    falloc 0 2m
    seek -d 0                       # fallocated, unwritten: a hole, ENXIO
    seek -h 0                       # 0
    pwrite 4k 4k                    # the whole order-9 folio becomes uptodate
    seek -h 0                       # clamped to i_size 2M
    seek -d 0                       # 0
    mount tmpfs huge=never
    falloc 0 64k
    pwrite 8k 4k                    # order 0: only that page is data
    seek -d 0                       # 8K
    seek -h 8k                      # 12K
  `;
  const expected: Record<number, bigint | string> = {
    3: 0x200000n, 4: 0n, 5: 'ENXIO', 6: 'ENXIO', 7: 'ENXIO', 8: 'ENXIO', 9: 0x300000n,
    12: 'ENXIO', 13: 0n, 15: 0x200000n, 16: 0n, 20: 8192n, 21: 12288n,
  };

  it('answers every case as the kernel.md section says', async () => {
    const { observations } = await run(script);
    const got = Object.fromEntries(Object.keys(expected).map((i) => [i, observations[Number(i)]?.ret]));
    expect(got).toEqual(expected);
    expect(observations[12]?.folios).toEqual([[0, 9, 0]]);
    expect(observations[14]?.folios).toEqual([[0, 9, 1]]);
  });
});
