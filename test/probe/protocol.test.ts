import { describe, expect, it } from 'vitest';
import { encodeCommand, parseOk } from '../../src/probe/_protocol.js';
import { parseScript } from '../../src/script/index.js';

const encode = (line: string): string => {
  const [first] = parseScript(`${line}\n`, 't.fl').lines;
  if (first === undefined) throw new Error('no line');
  return encodeCommand(first.command);
};

describe('encodeCommand', () => {
  it.each([
    ['mount tmpfs', 'mount tmpfs - -'],
    ['mount tmpfs huge=within_size size=1m', 'mount tmpfs =within_size 1048576'],
    ['mount tmpfs huge=', 'mount tmpfs = -'],
    ['mount anon 4m', 'mount anon 4194304'],
    ['mount sysv 0x10k', 'mount sysv 16384'],
    ['mount memfd', 'mount memfd'],
    ['remount huge=force', 'remount =force'],
    ['thp shmem_enabled=force hugepages-64kB=inherit khugepaged.max_ptes_none=0', 'thp shmem_enabled=force hugepages-64kB=inherit khugepaged.max_ptes_none=0'],
    ['open g', 'open 67'],
    ['unlink', 'unlink'],
    ['pwrite 0 4k', 'pwrite 205 0 4096 -'],
    ['pwrite -S 0x41 1m 64k', 'pwrite 65 1048576 65536 -'],
    ['pwrite -b 4k 0 60k', 'pwrite 205 0 61440 4096'],
    ['pread 0 1g', 'pread 0 1073741824 -'],
    ['pread -b 7000 0 1g', 'pread 0 1073741824 7000'],
    ['falloc 0 2m', 'falloc 0 0 2097152'],
    ['falloc -k 2m 4k', 'falloc 1 2097152 4096'],
    ['fpunch 1m 64k', 'fpunch 1048576 65536'],
    ['fzero 0 4k', 'fzero 0 4096'],
    ['truncate 0x7fffffffffffffff', 'truncate 9223372036854775807'],
    ['seek -d 0', 'seek d 0'],
    ['seek -h -0x8000000000000000', 'seek h -9223372036854775808'],
    ['mmap', 'mmap 0 - -'],
    ['mmap -m 64k 0 2m', 'mmap 65536 0 2097152'],
    ['munmap', 'munmap'],
    ['mread', 'mread - -'],
    ['mwrite -S 7 0 100k', 'mwrite 7 0 102400'],
    ['mwrite', 'mwrite 88 - -'],
    ['madvise -c 0 2m', 'madvise c 0 2097152'],
    ['madvise -R', 'madvise R - -'],
    ['madvise -r 0 4k', 'madvise r 0 4096'],
    ['madvise -s', 'madvise s - -'],
    ['madvise -w 4k 4k', 'madvise w 4096 4096'],
    ['pin 0 4k', 'pin 0 4096'],
    ['unpin', 'unpin - -'],
    ['reclaim', 'reclaim'],
    ['khugepaged', 'khugepaged'],
  ])('encodes %s as %s', (line, request) => {
    expect(encode(line)).toBe(request);
  });

  it.each(['../x', 'a/b', '..', '.', '', 'x\ny'])('refuses to send open %j, which could leave the mount', (name) => {
    expect(() => encodeCommand({ cmd: 'open', name })).toThrow(/refusing to open/);
  });
});

describe('parseOk', () => {
  it('decodes folios, stats in key order, blind runs and read data', () => {
    const raw = parseOk('ret=4096 stats=64kB.split:1,2048kB.split:1 size=9223372036854775807 blocks=3968 folios=0:8:1,272:0:0 blind=512:512 data=0:10:65,10:5:0');
    expect(raw).toEqual({
      ret: 4096n,
      stats: { '2048kB': { split: 1 }, '64kB': { split: 1 } },
      size: 9223372036854775807n,
      blocks: 3968n,
      folios: [[0, 8, 1], [272, 0, 0]],
      blind: [[512, 512]],
      data: [[0, 10, 65], [10, 5, 0]],
    });
    expect(Object.keys(raw.stats)).toEqual(['2048kB', '64kB']);
  });

  it('keeps errno names and SIGBUS as strings and empty lists empty', () => {
    expect(parseOk('ret=ENXIO stats= size=0 blocks=0 folios=')).toEqual({ ret: 'ENXIO', stats: {}, size: 0n, blocks: 0n, folios: [], blind: [], data: undefined });
    expect(parseOk('ret=SIGBUS stats= size=0 blocks=0 folios= data=').data).toEqual([]);
    expect(parseOk('ret=-1 stats= size=0 blocks=0 folios=').ret).toBe(-1n);
  });

  it('throws on a malformed line', () => {
    expect(() => parseOk('ret=0 size=0 blocks=0 folios=')).toThrow(/stats/);
    expect(() => parseOk('ret=0 stats= size=0 blocks=0 folios=1:2')).toThrow(/malformed/);
  });
});
