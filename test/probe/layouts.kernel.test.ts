import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/script/index.js';
import { kernelSkipReason, run } from './_kernel.js';
import { layout } from './_layout.js';

// kernel.md §2.5: write layouts on a fresh file, per huge= value.
// [row, script lines, huge=always, huge=within_size, huge=never]
const ROWS: readonly [string, string, string, string, string][] = [
  ['4K@0', 'pwrite 0 4k', '0:9', '0:0', '0:0'],
  ['8K@0', 'pwrite 0 8k', '0:9', '0:1', '0-1:0'],
  ['12K@0', 'pwrite 0 12k', '0:9', '0:1 2:0', '0-2:0'],
  ['60K@0', 'pwrite 0 60k', '0:9', '0:3 8:2 12:1 14:0', '0-14:0'],
  ['64K@0', 'pwrite 0 64k', '0:9', '0:4', '0-15:0'],
  ['68K@0', 'pwrite 0 68k', '0:9', '0:4 16:0', '0-16:0'],
  ['64K@4K', 'pwrite 4k 64k', '0:9', '0:4 16:0', '1-16:0'],
  ['64K@60K', 'pwrite 60k 64k', '0:9', '0:4 16:3 24:2 28:1 30:0', '15-30:0'],
  ['64K@64K', 'pwrite 64k 64k', '0:9', '0:5', '16-31:0'],
  ['64K@1M', 'pwrite 1m 64k', '0:9', '256:4', '256-271:0'],
  ['1M@0', 'pwrite 0 1m', '0:9', '0:8', '0-255:0'],
  ['2M@0', 'pwrite 0 2m', '0:9', '0:9', '0-511:0'],
  ['2M@4K', 'pwrite 4k 2m', '0:9 512:9', '0:9 512:0', '1-512:0'],
  ['4M@0', 'pwrite 0 4m', '0:9 512:9', '0:9 512:9', '0-1023:0'],
  ['3× 4K sequential', 'pwrite 0 4k; pwrite 4k 4k; pwrite 8k 4k', '0:9', '0-2:0', '0-2:0'],
  ['ftruncate 4M, 4K@0', 'truncate 4m; pwrite 0 4k', '0:9', '0:9', '0:0'],
  ['ftruncate 1M+4K, 4K@0', 'truncate 0x101000; pwrite 0 4k', '0:9', '0:8', '0:0'],
  ['ftruncate 2M−4K, 4K@0', 'truncate 0x1ff000; pwrite 0 4k', '0:9', '0:8', '0:0'],
  ['ftruncate 2M+64K, 4K@2M', 'truncate 0x210000; pwrite 2m 4k', '512:9', '512:4', '512:0'],
];

const HUGE = ['always', 'within_size', 'never'] as const;

/** One script per huge= value, a `mount` before each row; the index of each row's last line. */
function tableScript(huge: string): { text: string; last: number[] } {
  const lines: string[] = [];
  const last: number[] = [];
  for (const [, ops] of ROWS) {
    lines.push(`mount tmpfs huge=${huge}`, ...ops.split('; '));
    last.push(lines.length - 1);
  }
  return { text: lines.join('\n'), last };
}

describe.skipIf(kernelSkipReason !== undefined)('write layouts (kernel.md §2.5)', () => {
  const results = new Map<string, { obs: readonly Observation[]; last: number[] }>();
  beforeAll(async () => {
    for (const huge of HUGE) {
      const { text, last } = tableScript(huge);
      results.set(huge, { obs: (await run(text)).observations, last });
    }
  });

  it.each(ROWS.flatMap((row, r) => HUGE.map((huge, h) => [row[0], huge, r, row[2 + h] ?? ''] as const)))(
    'lays out %s on huge=%s as kernel.md says',
    (_row, huge, r, expected) => {
      const res = results.get(huge);
      const o = res?.obs[res.last[r] ?? -1];
      expect(o?.folios).toEqual(layout(expected));
    },
  );

  it('reports st_blocks of whole folios and per-size shmem_alloc deltas', () => {
    const always = results.get('always');
    const within = results.get('within_size');
    const a4k = always?.obs[always.last[0] ?? -1];
    expect(a4k?.blocks).toBe(4096n);
    expect(a4k?.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
    const w60k = within?.obs[within.last[3] ?? -1];
    expect(w60k?.blocks).toBe(120n);
    expect(w60k?.stats).toEqual({ '8kB': { shmem_alloc: 1 }, '16kB': { shmem_alloc: 1 }, '32kB': { shmem_alloc: 1 } });
    const never = results.get('never');
    expect(never?.obs[never.last[4] ?? -1]?.stats).toEqual({});
  });

  it('answers setup lines with an observation of their own', () => {
    const always = results.get('always');
    expect(always?.obs[0]).toEqual({ i: 0, line: 1, op: 'mount tmpfs huge=always', ret: 0n, folios: [], stats: {}, size: 0n, blocks: 0n });
  });
});
