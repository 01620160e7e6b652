import { describe, it, expect } from 'vitest';
import type { Command } from '../../src/script/ast.js';
import { parseScript } from '../../src/script/parse.js';

/** Parse one line and return its command. */
function cmd(line: string): Command {
  const s = parseScript(`${line}\n`, 't.fl');
  expect(s.lines).toHaveLength(1);
  const [first] = s.lines;
  if (first === undefined) throw new Error('no line');
  return first.command;
}

const K = 1024n;
const M = 1024n * K;

describe('parseScript commands', () => {
  it.each<[string, Command]>([
    ['mount tmpfs', { cmd: 'mount', kind: 'tmpfs', huge: undefined, size: undefined }],
    ['mount tmpfs huge=always', { cmd: 'mount', kind: 'tmpfs', huge: 'always', size: undefined }],
    ['mount tmpfs size=4m', { cmd: 'mount', kind: 'tmpfs', huge: undefined, size: 4n * M }],
    ['mount tmpfs huge=within_size size=1g', { cmd: 'mount', kind: 'tmpfs', huge: 'within_size', size: 1024n * M }],
    ['mount tmpfs size=0 huge=advise', { cmd: 'mount', kind: 'tmpfs', huge: 'advise', size: 0n }],
    ['mount tmpfs huge=force', { cmd: 'mount', kind: 'tmpfs', huge: 'force', size: undefined }],
    ['mount tmpfs huge=bogus', { cmd: 'mount', kind: 'tmpfs', huge: 'bogus', size: undefined }],
    ['mount tmpfs huge=', { cmd: 'mount', kind: 'tmpfs', huge: '', size: undefined }],
    ['mount anon 2m', { cmd: 'mount', kind: 'anon', size: 2n * M }],
    ['mount memfd', { cmd: 'mount', kind: 'memfd' }],
    ['mount sysv 0x400000', { cmd: 'mount', kind: 'sysv', size: 4n * M }],
    ['remount huge=never', { cmd: 'remount', huge: 'never' }],
    ['remount huge=', { cmd: 'remount', huge: '' }],
    ['thp shmem_enabled=force', { cmd: 'thp', writes: [{ key: 'shmem_enabled', value: 'force' }] }],
    [
      'thp hugepages-64kB=inherit khugepaged.max_ptes_none=511 hugepages-64kB=',
      {
        cmd: 'thp',
        writes: [
          { key: 'hugepages-64kB', value: 'inherit' },
          { key: 'khugepaged.max_ptes_none', value: '511' },
          { key: 'hugepages-64kB', value: '' },
        ],
      },
    ],
    ['thp khugepaged.defrag=a=b', { cmd: 'thp', writes: [{ key: 'khugepaged.defrag', value: 'a=b' }] }],
    ['open g', { cmd: 'open', name: 'g' }],
    ['unlink', { cmd: 'unlink' }],
    ['pwrite 0 4k', { cmd: 'pwrite', byte: 0xcd, pos: 0n, len: 4n * K, bsize: undefined }],
    ['pwrite -S 0 1m 64k', { cmd: 'pwrite', byte: 0, pos: M, len: 64n * K, bsize: undefined }],
    ['pwrite 1m 64k -S 0xff', { cmd: 'pwrite', byte: 255, pos: M, len: 64n * K, bsize: undefined }],
    ['pread 0 2m', { cmd: 'pread', pos: 0n, len: 2n * M, bsize: undefined }],
    ['pwrite -b 4k 0 60k', { cmd: 'pwrite', byte: 0xcd, pos: 0n, len: 60n * K, bsize: 4n * K }],
    ['pwrite 0 60k -S 1 -b 0x10', { cmd: 'pwrite', byte: 1, pos: 0n, len: 60n * K, bsize: 16n }],
    ['pread -b 1 0 2m', { cmd: 'pread', pos: 0n, len: 2n * M, bsize: 1n }],
    ['open A-Z_a.z-09', { cmd: 'open', name: 'A-Z_a.z-09' }],
    ['open ...', { cmd: 'open', name: '...' }],
    [`open ${'n'.repeat(255)}`, { cmd: 'open', name: 'n'.repeat(255) }],
    ['falloc 0 2m', { cmd: 'falloc', keepSize: false, pos: 0n, len: 2n * M }],
    ['falloc -k 4k 8k', { cmd: 'falloc', keepSize: true, pos: 4n * K, len: 8n * K }],
    ['fpunch 1m 64k', { cmd: 'fpunch', pos: M, len: 64n * K }],
    ['fzero 0 4096', { cmd: 'fzero', pos: 0n, len: 4096n }],
    ['truncate 0', { cmd: 'truncate', size: 0n }],
    ['seek -d 0', { cmd: 'seek', whence: 'data', offset: 0n }],
    ['seek -h 5', { cmd: 'seek', whence: 'hole', offset: 5n }],
    ['seek -d -1', { cmd: 'seek', whence: 'data', offset: -1n }],
    ['seek -h -0x8000000000000000', { cmd: 'seek', whence: 'hole', offset: -(1n << 63n) }],
    ['mmap', { cmd: 'mmap', misalign: 0n, range: undefined }],
    ['mmap -m 4k', { cmd: 'mmap', misalign: 4n * K, range: undefined }],
    ['mmap -m 4k 0 2m', { cmd: 'mmap', misalign: 4n * K, range: { pos: 0n, len: 2n * M } }],
    ['munmap', { cmd: 'munmap' }],
    ['mread', { cmd: 'mread', range: undefined }],
    ['mread 0 4k', { cmd: 'mread', range: { pos: 0n, len: 4n * K } }],
    ['mwrite', { cmd: 'mwrite', byte: 0x58, range: undefined }],
    ['mwrite -S 7 4k 4k', { cmd: 'mwrite', byte: 7, range: { pos: 4n * K, len: 4n * K } }],
    ['madvise -h', { cmd: 'madvise', advice: 'hugepage', range: undefined }],
    ['madvise -n 0 2m', { cmd: 'madvise', advice: 'nohugepage', range: { pos: 0n, len: 2n * M } }],
    ['madvise -c', { cmd: 'madvise', advice: 'collapse', range: undefined }],
    ['madvise -R 0 4k', { cmd: 'madvise', advice: 'remove', range: { pos: 0n, len: 4n * K } }],
    ['madvise -r 0 4k', { cmd: 'madvise', advice: 'random', range: { pos: 0n, len: 4n * K } }],
    ['madvise -s', { cmd: 'madvise', advice: 'sequential', range: undefined }],
    ['madvise -w 4k 4k', { cmd: 'madvise', advice: 'willneed', range: { pos: 4n * K, len: 4n * K } }],
    ['madvise -d', { cmd: 'madvise', advice: 'dontneed', range: undefined }],
    ['pin', { cmd: 'pin', range: undefined }],
    ['pin 0 64k', { cmd: 'pin', range: { pos: 0n, len: 64n * K } }],
    ['unpin', { cmd: 'unpin', range: undefined }],
    ['unpin 4k 4k', { cmd: 'unpin', range: { pos: 4n * K, len: 4n * K } }],
    ['reclaim', { cmd: 'reclaim' }],
    ['khugepaged', { cmd: 'khugepaged' }],
  ])('parses %j', (line, expected) => {
    expect(cmd(line)).toStrictEqual(expected);
  });
});

describe('parseScript layout', () => {
  it('skips comments and blank lines and numbers lines from 1', () => {
    const s = parseScript('# header\n\n   \nmount memfd # make f\n\t# indented comment\npwrite 0 4k\n', 'x.fl');
    expect(s.file).toBe('x.fl');
    expect(s.lines.map((l) => [l.line, l.op])).toStrictEqual([
      [4, 'mount memfd'],
      [6, 'pwrite 0 4k'],
    ]);
  });

  it('accepts CRLF line ends and keeps them out of op', () => {
    const s = parseScript('mount memfd\r\npwrite 0 4k\r\n', 'x.fl');
    expect(s.lines.map((l) => l.op)).toStrictEqual(['mount memfd', 'pwrite 0 4k']);
    expect(s.lines[1]?.command).toStrictEqual({ cmd: 'pwrite', byte: 0xcd, pos: 0n, len: 4096n, bsize: undefined });
  });

  it('takes a task prefix into task and out of op, keeping inner whitespace', () => {
    const s = parseScript('reclaim\n[A] pwrite  -S 1\t0 4k  # a\n[B]fpunch 0 4k\n', 'x.fl');
    expect(s.lines.map((l) => [l.task, l.op])).toStrictEqual([
      [undefined, 'reclaim'],
      ['A', 'pwrite  -S 1\t0 4k'],
      ['B', 'fpunch 0 4k'],
    ]);
  });

  it('refuses a line without a prefix after a prefixed one, naming its line', () => {
    expect(() => parseScript('mount tmpfs\n[A] pwrite 0 4k\n\nreclaim\n', 'x.fl')).toThrow(
      'x.fl:4: a line without a task prefix after a prefixed one (setup lines come first)');
  });

  it('accepts an empty script and a script of only comments', () => {
    expect(parseScript('', 'e.fl').lines).toStrictEqual([]);
    expect(parseScript('# nothing\n\n', 'e.fl').lines).toStrictEqual([]);
  });

  it('accepts a last line without a newline, a byte-order mark and non-ASCII text in comments', () => {
    const s = parseScript('\uFEFFmount memfd # größe ✓\nopen s_1', 'x.fl');
    expect(s.lines.map((l) => l.command)).toStrictEqual([{ cmd: 'mount', kind: 'memfd' }, { cmd: 'open', name: 's_1' }]);
  });

  it('keeps the source text', () => {
    const text = 'mount memfd\n';
    expect(parseScript(text, 'x.fl').text).toBe(text);
  });
});
