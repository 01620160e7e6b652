/**
 * ftruncate down through large folios (kernel.md §3.1–§3.5, the ftruncate rows of §3.7): the
 * folio holding the new EOF is zeroed past it and split non-uniformly around the EOF page,
 * the pieces past max(EOF, fallocend) are dropped by the split, and whole folios past EOF go.
 * Checked for layout, stats delta, st_blocks, i_size and SEEK_HOLE(0); rows re-measured on 6.18.
 */
import { describe, expect, it } from 'vitest';
import type { StatsDelta } from '../../src/script/observation.js';
import type { Section37Row } from './_helpers.js';
import { K, M, expectSection37Row, folios, last, run, titled } from './_helpers.js';

/** A §3.7 row whose operation is one truncate. */
type TruncateRow = Omit<Section37Row, 'ops'> & { readonly op: string };

const PMD_FILE = ['mount tmpfs huge=always', 'pwrite 0 2m'];
const SPLIT_2M: StatsDelta = { '2048kB': { split: 1 } };

const ROWS: readonly TruncateRow[] = [
  { title: 'ftruncate 2M→1M+4K', setup: PMD_FILE, op: 'truncate 0x101000', layout: '0:8 256:0', stats: SPLIT_2M,
    size: M + 4n * K, hole: M + 4n * K },
  { title: 'ftruncate 2M→1M+100', setup: PMD_FILE, op: 'truncate 0x100064', layout: '0:8 256:0', stats: SPLIT_2M,
    size: M + 100n, hole: M + 100n },
  { title: 'ftruncate 2M→1M', setup: PMD_FILE, op: 'truncate 1m', layout: '0:8', stats: SPLIT_2M, size: M, hole: M },
  { title: 'ftruncate 2M→4K', setup: PMD_FILE, op: 'truncate 4k', layout: '0:0', stats: SPLIT_2M, size: 4n * K, hole: 4n * K },
  { title: 'ftruncate 2M→0', setup: PMD_FILE, op: 'truncate 0', layout: '', stats: {}, size: 0n, hole: 'ENXIO' },
  { title: 'ftruncate 4M→3M', setup: ['mount tmpfs huge=always', 'pwrite 0 4m'], op: 'truncate 3m', layout: '0:9 512:8',
    stats: SPLIT_2M, size: 3n * M, hole: 3n * M },
  { title: 'within_size 0:8, ftruncate →68K', setup: ['mount tmpfs huge=within_size', 'pwrite 0 1m'], op: 'truncate 68k',
    layout: '0:4 16:0', stats: { '1024kB': { split: 1 } }, size: 68n * K, hole: 68n * K },
];

describe('truncate through a large folio: kernel.md §3.7 rows', () => {
  it.each(titled(ROWS))('%s', (_title, row) => expectSection37Row({ ...row, ops: [row.op] }));
});

describe('truncate through a large folio: content', () => {
  it('zeroes the tail of the EOF page, which reads back as zeros after growing again', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite -S 7 0 2m', 'truncate 0x100064', 'truncate 0x101000', 'pread 0x100000 4k']);
    expect(o.data).toEqual([[0, 100, 7], [100, 3996, 0]]);
    expect(o.folios).toEqual(folios('0:8 256:0'));
  });

  it('keeps the bytes before the new EOF', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite -S 7 0 2m', 'truncate 0x100064', 'pread 0 0x100064']);
    expect(o.data).toEqual([[0, 0x100064, 7]]);
  });
});

describe('truncate: to the same size and past fallocend', () => {
  it('splits the EOF folio when truncating to the current size (shmem_setattr runs newsize <= oldsize)', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'truncate 4k']);
    expect(o.folios).toEqual(folios('0:0'));
    expect(o.stats).toEqual(SPLIT_2M);
    expect(o.blocks).toBe(8n);
  });

  it('removes KEEP_SIZE folios past EOF and counts nothing', () => {
    const o = last(['mount tmpfs huge=always', 'falloc -k 0 4m', 'truncate 0']);
    expect(o.folios).toEqual([]);
    expect(o.stats).toEqual({});
    expect(o.blocks).toBe(0n);
  });

  it('moves fallocend back to the new EOF page, so the split drops the KEEP_SIZE part of the EOF folio', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'falloc -k 0 1m', 'truncate 4k']);
    expect(o.folios).toEqual(folios('0:0'));
    expect(o.stats).toEqual(SPLIT_2M);
  });

  it('splits the EOF folio of a sparse file and removes whole folios past it', () => {
    const obs = run(['mount tmpfs huge=always', 'pwrite 0 4k', 'truncate 8m', 'pwrite 4m 4k', 'truncate 5m', 'truncate 100']);
    expect(obs[4]!.folios).toEqual(folios('0:9 1024:8'));
    expect(obs[4]!.stats).toEqual(SPLIT_2M);
    expect(obs[5]!.folios).toEqual(folios('0:0'));
    expect(obs[5]!.stats).toEqual(SPLIT_2M);
    expect(obs[5]!.blocks).toBe(8n);
  });
});
