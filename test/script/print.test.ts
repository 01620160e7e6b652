import { describe, it, expect } from 'vitest';
import type { Command } from '../../src/script/ast.js';
import type { Observation } from '../../src/script/observation.js';
import { parseScript } from '../../src/script/parse.js';
import { formatCommand, formatObservation, parseObservation } from '../../src/script/print.js';

const BIG = (1n << 62n) + 1n;

const SPEC_EXAMPLE: Observation = {
  i: 3,
  line: 7,
  op: 'fpunch 1m 64k',
  ret: 0n,
  folios: [[0, 8, 1], [272, 0, 1], [273, 0, 1], [274, 1, 1], [276, 2, 1], [280, 3, 1], [288, 5, 1], [320, 6, 1], [384, 7, 1]],
  stats: { '2048kB': { split: 1 }, '64kB': { split: 1 } },
  size: 2097152n,
  blocks: 3968n,
};

describe('formatObservation', () => {
  it('prints product.md §2 example on one line with keys in order', () => {
    expect(formatObservation(SPEC_EXAMPLE)).toBe(
      '{"i":3,"line":7,"op":"fpunch 1m 64k","ret":0,' +
        '"folios":[[0,8,1],[272,0,1],[273,0,1],[274,1,1],[276,2,1],[280,3,1],[288,5,1],[320,6,1],[384,7,1]],' +
        '"stats":{"2048kB":{"split":1},"64kB":{"split":1}},"size":2097152,"blocks":3968}',
    );
  });

  it('prints bigints exactly, errno as a string, and data then blind last', () => {
    const o: Observation = { i: 0, line: 1, op: 'seek -h 0', ret: 'ENXIO', folios: [], stats: {}, size: BIG, blocks: BIG, blind: [[5, 2]], data: [[0, 4096, 0xcd]] };
    expect(formatObservation(o)).toBe(
      `{"i":0,"line":1,"op":"seek -h 0","ret":"ENXIO","folios":[],"stats":{},"size":${BIG},"blocks":${BIG},"data":[[0,4096,205]],"blind":[[5,2]]}`,
    );
  });
});

describe('parseObservation', () => {
  it.each<[string, Observation]>([
    ['the §2 example', SPEC_EXAMPLE],
    ['a ret of 2^62+1', { ...SPEC_EXAMPLE, ret: BIG, size: BIG, blocks: (1n << 54n) + 3n }],
    ['an errno with data and blind', { ...SPEC_EXAMPLE, ret: 'SIGBUS', data: [[0, 10, 0], [10, 5, 88]], blind: [[512, 512]] }],
    ['a negative seek result and an op with quotes', { ...SPEC_EXAMPLE, op: 'open "q" \\ é', ret: -5n, folios: [], stats: {} }],
  ])('reads back %s exactly', (_what, o) => {
    const text = formatObservation(o);
    expect(text).not.toContain('\n');
    expect(parseObservation(text)).toStrictEqual(o);
    expect(formatObservation(parseObservation(text))).toBe(text);
  });

  it('reads keys in any order with JSON whitespace', () => {
    const text = ' { "blocks" : 8 , "size":4096,"stats":{ },"folios":[ [0,0,0] ],"ret":4096,"op":"pwrite 0 4k","line":2,"i":1 } ';
    expect(parseObservation(text)).toStrictEqual({ i: 1, line: 2, op: 'pwrite 0 4k', ret: 4096n, folios: [[0, 0, 0]], stats: {}, size: 4096n, blocks: 8n });
  });

  it.each([
    ['not JSON', '{"i":'],
    ['trailing text', `${formatObservation(SPEC_EXAMPLE)}x`],
    ['a missing key', '{"i":0,"line":1,"op":"x","ret":0,"folios":[],"stats":{},"size":0}'],
    ['an unknown key', '{"i":0,"line":1,"op":"x","ret":0,"folios":[],"stats":{},"size":0,"blocks":0,"extra":1}'],
    ['a duplicated key', '{"i":0,"i":0,"line":1,"op":"x","ret":0,"folios":[],"stats":{},"size":0,"blocks":0}'],
    ['a fractional size', '{"i":0,"line":1,"op":"x","ret":0,"folios":[],"stats":{},"size":1.5,"blocks":0}'],
    ['uptodate 2', '{"i":0,"line":1,"op":"x","ret":0,"folios":[[0,0,2]],"stats":{},"size":0,"blocks":0}'],
    ['a short folio', '{"i":0,"line":1,"op":"x","ret":0,"folios":[[0,0]],"stats":{},"size":0,"blocks":0}'],
    ['a pgoff past 2^53', '{"i":0,"line":1,"op":"x","ret":0,"folios":[[9007199254740993,0,1]],"stats":{},"size":0,"blocks":0}'],
    ['a string size', '{"i":0,"line":1,"op":"x","ret":0,"folios":[],"stats":{},"size":"0","blocks":0}'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseObservation(text)).toThrow(SyntaxError);
  });
});

const COMMANDS: readonly [string, Command][] = [
  ['mount tmpfs', { cmd: 'mount', kind: 'tmpfs', huge: undefined, size: undefined }],
  ['mount tmpfs huge=within_size size=1536', { cmd: 'mount', kind: 'tmpfs', huge: 'within_size', size: 1536n }],
  ['mount tmpfs huge=', { cmd: 'mount', kind: 'tmpfs', huge: '', size: undefined }],
  ['mount tmpfs size=0', { cmd: 'mount', kind: 'tmpfs', huge: undefined, size: 0n }],
  ['mount anon 2m', { cmd: 'mount', kind: 'anon', size: 2n << 20n }],
  ['mount sysv 4k', { cmd: 'mount', kind: 'sysv', size: 4096n }],
  ['mount memfd', { cmd: 'mount', kind: 'memfd' }],
  ['remount huge=force', { cmd: 'remount', huge: 'force' }],
  ['thp shmem_enabled= hugepages-2048kB=inherit', { cmd: 'thp', writes: [{ key: 'shmem_enabled', value: '' }, { key: 'hugepages-2048kB', value: 'inherit' }] }],
  ['open -5', { cmd: 'open', name: '-5' }],
  ['unlink', { cmd: 'unlink' }],
  ['pwrite 0 4k', { cmd: 'pwrite', byte: 0xcd, pos: 0n, len: 4096n, bsize: undefined }],
  ['pwrite -S 0x0 4611686018427387905 1t', { cmd: 'pwrite', byte: 0, pos: BIG, len: 1n << 40n, bsize: undefined }],
  ['pread 1m 1', { cmd: 'pread', pos: 1n << 20n, len: 1n, bsize: undefined }],
  ['falloc -k 0 2g', { cmd: 'falloc', keepSize: true, pos: 0n, len: 2n << 30n }],
  ['falloc 0 8388607t', { cmd: 'falloc', keepSize: false, pos: 0n, len: ((1n << 63n) - 1n) & ~((1n << 40n) - 1n) }],
  ['fpunch 4k 9223372036854775807', { cmd: 'fpunch', pos: 4096n, len: (1n << 63n) - 1n }],
  ['fzero 0 0', { cmd: 'fzero', pos: 0n, len: 0n }],
  ['truncate 0', { cmd: 'truncate', size: 0n }],
  ['seek -d 4k', { cmd: 'seek', whence: 'data', offset: 4096n }],
  ['seek -h -1', { cmd: 'seek', whence: 'hole', offset: -1n }],
  ['seek -h -8388608t', { cmd: 'seek', whence: 'hole', offset: -(1n << 63n) }],
  ['mmap', { cmd: 'mmap', misalign: 0n, range: undefined }],
  ['mmap -m 4k 0 2m', { cmd: 'mmap', misalign: 4096n, range: { pos: 0n, len: 2n << 20n } }],
  ['munmap', { cmd: 'munmap' }],
  ['mread', { cmd: 'mread', range: undefined }],
  ['mwrite -S 0xff 0 4k', { cmd: 'mwrite', byte: 255, range: { pos: 0n, len: 4096n } }],
  ['mwrite', { cmd: 'mwrite', byte: 0x58, range: undefined }],
  ...(['hugepage', 'nohugepage', 'collapse', 'remove', 'dontneed', 'random', 'sequential', 'willneed'] as const).map(
    (advice, k): [string, Command] => [`madvise ${['-h', '-n', '-c', '-R', '-d', '-r', '-s', '-w'][k] ?? ''} 0 2m`, { cmd: 'madvise', advice, range: { pos: 0n, len: 2n << 20n } }],
  ),
  ['pwrite -b 4k -S 0x1 0 60k', { cmd: 'pwrite', byte: 1, pos: 0n, len: 61440n, bsize: 4096n }],
  ['pread -b 7000 0 1', { cmd: 'pread', pos: 0n, len: 1n, bsize: 7000n }],
  ['pin 0 64k', { cmd: 'pin', range: { pos: 0n, len: 65536n } }],
  ['unpin', { cmd: 'unpin', range: undefined }],
  ['reclaim', { cmd: 'reclaim' }],
  ['khugepaged', { cmd: 'khugepaged' }],
];

describe('formatCommand', () => {
  it.each(COMMANDS)('prints %s and parses back to the same command', (text, c) => {
    expect(formatCommand(c)).toBe(text);
    expect(parseScript(formatCommand(c), 'r.fl').lines[0]?.command).toStrictEqual(c);
  });

  it.each<[string, Command]>([
    ['a name with a blank', { cmd: 'open', name: 'a b' }],
    ['an empty name', { cmd: 'open', name: '' }],
    ['a name that reads as a flag', { cmd: 'open', name: '-x' }],
    ['a name that leaves the mount', { cmd: 'open', name: '../x' }],
    ['a name with a slash', { cmd: 'open', name: 'a/b' }],
    ['a zero BSIZE', { cmd: 'pwrite', byte: 1, pos: 0n, len: 1n, bsize: 0n }],
    ['a value with #', { cmd: 'remount', huge: 'a#b' }],
    ['an unknown knob', { cmd: 'thp', writes: [{ key: 'enabled', value: 'always' }] }],
    ['an empty thp', { cmd: 'thp', writes: [] }],
    ['a byte of 256', { cmd: 'pwrite', byte: 256, pos: 0n, len: 1n, bsize: undefined }],
    ['a negative length', { cmd: 'pread', pos: 0n, len: -1n, bsize: undefined }],
    ['a position of 2^63', { cmd: 'pread', pos: 1n << 63n, len: 1n, bsize: undefined }],
  ])('refuses %s', (_what, c) => {
    expect(() => formatCommand(c)).toThrow(RangeError);
  });
});
