import { describe, it, expect } from 'vitest';
import { ScriptError } from '../../src/script/errors.js';
import { parseScript } from '../../src/script/parse.js';

/** The ScriptError that parsing `text` throws. */
function errorOf(text: string, file = 'dir/s.fl'): ScriptError {
  try {
    parseScript(text, file);
  } catch (e) {
    if (e instanceof ScriptError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('ScriptError', () => {
  it('carries name, code, file, line and a FILE:LINE: message', () => {
    const e = errorOf('mount memfd\n\nfrobnicate 1\n', '../x y.fl');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ScriptError');
    expect(e.code).toBe('E_SCRIPT');
    expect(e.file).toBe('../x y.fl');
    expect(e.line).toBe(3);
    expect(e.reason).toBe("unknown command 'frobnicate'");
    expect(e.message).toBe("../x y.fl:3: unknown command 'frobnicate'");
  });
});

describe('parseScript script errors', () => {
  it.each<[string, string]>([
    ['frobnicate', "unknown command 'frobnicate'"],
    ['PWRITE 0 4k', "unknown command 'PWRITE'"],
    ['pwrite -x 0 4k', "unknown flag '-x' for pwrite (usage: pwrite [-b BSIZE] [-S BYTE] OFF LEN)"],
    ['falloc -K 0 4k', "unknown flag '-K' for falloc (usage: falloc [-k] OFF LEN)"],
    ['madvise -z', "unknown flag '-z' for madvise (usage: madvise -h|-n|-c|-R|-d|-r|-s|-w [OFF LEN])"],
    ['reclaim -a', "unknown flag '-a' for reclaim (usage: reclaim)"],
    ['mount ext4', "unknown mount kind 'ext4' (want tmpfs, anon, memfd or sysv)"],
    ['mount tmpfs nr_inodes=5', "unknown mount option 'nr_inodes=5' (usage: mount tmpfs [huge=WORD] [size=SIZE])"],
    ['remount size=1m', "unknown remount option 'size=1m' (usage: remount huge=VALUE)"],
    ['thp enabled=always', "unknown knob 'enabled'"],
    ['thp shmem_enabled', "expected KEY=VALUE, got 'shmem_enabled'"],
    ['pwrite 0', 'wrong number of arguments (usage: pwrite [-b BSIZE] [-S BYTE] OFF LEN)'],
    ['pwrite 0 4k 4k', 'wrong number of arguments (usage: pwrite [-b BSIZE] [-S BYTE] OFF LEN)'],
    ['pwrite -S', 'wrong number of arguments (usage: pwrite [-b BSIZE] [-S BYTE] OFF LEN)'],
    ['pread', 'wrong number of arguments (usage: pread [-b BSIZE] OFF LEN)'],
    ['truncate', 'wrong number of arguments (usage: truncate SIZE)'],
    ['seek -d', 'wrong number of arguments (usage: seek -d OFF | seek -h OFF)'],
    ['seek 0', 'seek takes exactly one of -d or -h (usage: seek -d OFF | seek -h OFF)'],
    ['seek -d -h 0', 'seek takes exactly one of -d or -h (usage: seek -d OFF | seek -h OFF)'],
    ['mmap 0', 'wrong number of arguments (usage: mmap [-m MISALIGN] [OFF LEN])'],
    ['mread 4k', 'wrong number of arguments (usage: mread [OFF LEN])'],
    ['pin 0 4k 4k', 'wrong number of arguments (usage: pin [OFF LEN])'],
    ['unlink f', 'wrong number of arguments (usage: unlink)'],
    ['mount', 'wrong number of arguments (usage: mount tmpfs [huge=WORD] [size=SIZE] | mount anon SIZE | mount memfd | mount sysv SIZE)'],
    ['mount anon', 'wrong number of arguments (usage: mount tmpfs [huge=WORD] [size=SIZE] | mount anon SIZE | mount memfd | mount sysv SIZE)'],
    ['mount memfd 4k', 'wrong number of arguments (usage: mount tmpfs [huge=WORD] [size=SIZE] | mount anon SIZE | mount memfd | mount sysv SIZE)'],
    ['remount', 'wrong number of arguments (usage: remount huge=VALUE)'],
    ['thp', 'wrong number of arguments (usage: thp KEY=VALUE [KEY=VALUE ...])'],
    ['madvise', 'madvise takes exactly one of -h -n -c -R -d -r -s -w'],
    ['madvise -h -c 0 4k', 'madvise takes exactly one of -h -n -c -R -d -r -s -w'],
    ['open', 'open needs a NAME (usage: open NAME)'],
    ['open a b', 'wrong number of arguments (usage: open NAME)'],
    ['open a/b', "open: 'a/b' is not one path component (letters, digits, '.', '_', '-')"],
    ['open ../x', "open: '../x' is not one path component (letters, digits, '.', '_', '-')"],
    ['open /etc/passwd', "open: '/etc/passwd' is not one path component (letters, digits, '.', '_', '-')"],
    ['open ..', "open: '..' is not a file name"],
    ['open .', "open: '.' is not a file name"],
    ['open caf\u00e9', "open: 'caf\u00e9' is not one path component (letters, digits, '.', '_', '-')"],
    ['open a*b', "open: 'a*b' is not one path component (letters, digits, '.', '_', '-')"],
    ['open a\\b', "open: 'a\\b' is not one path component (letters, digits, '.', '_', '-')"],
    [`open ${'n'.repeat(256)}`, 'open: file name longer than 255 bytes'],
    ['pwrite -b 0 0 4k', "-b BSIZE must be positive, got '0'"],
    ['pread -b 0x0 0 4k', "-b BSIZE must be positive, got '0x0'"],
    ['pwrite -b -4k 0 4k', "negative number '-4k' (only a seek offset may be negative)"],
    ['pwrite -b 0 4k', 'wrong number of arguments (usage: pwrite [-b BSIZE] [-S BYTE] OFF LEN)'],
    ['pread -b 4k -b 8k 0 4k', "duplicated option '-b'"],
    ['pwrite -b 0x8000000000000000 0 4k', "number out of range '0x8000000000000000' (loff_t is -2^63..2^63-1)"],
    ['fpunch -b 4k 0 4k', "unknown flag '-b' for fpunch (usage: fpunch OFF LEN)"],
    ['madvise -r -R 0 4k', 'madvise takes exactly one of -h -n -c -R -d -r -s -w'],
    ['madvise -W', "unknown flag '-W' for madvise (usage: madvise -h|-n|-c|-R|-d|-r|-s|-w [OFF LEN])"],
    ['pwrite 0 4q', "malformed number '4q'"],
    ['mount tmpfs size=', "malformed number ''"],
    ['pwrite 0 0x8000000000000000', "number out of range '0x8000000000000000' (loff_t is -2^63..2^63-1)"],
    ['truncate -1', "negative number '-1' (only a seek offset may be negative)"],
    ['pwrite -S 0x100 0 4k', "byte outside 0..255 '0x100'"],
    ['pwrite -S 1 -S 2 0 4k', "duplicated option '-S'"],
    ['falloc -k -k 0 4k', "duplicated option '-k'"],
    ['madvise -h -h', "duplicated option '-h'"],
    ['mount tmpfs huge=always huge=never', "duplicated option 'huge='"],
    ['mount tmpfs size=1m huge=always size=2m', "duplicated option 'size='"],
    ['[a] reclaim', "malformed task prefix '[a]' (want [A]..[Z])"],
    ['[AB] reclaim', "malformed task prefix '[AB]' (want [A]..[Z])"],
    ['[A] # only a comment', 'task prefix [A] without a command'],
  ])('rejects %j', (line, reason) => {
    expect(errorOf(`mount memfd\n${line}\n`).message).toBe(`dir/s.fl:2: ${reason}`);
  });

  it.each([
    ['NUL', 'pwrite 0 4k\u0000'],
    ['a control character in a comment', 'reclaim # \u0007'],
    ['a form feed', '\u000Creclaim'],
    ['DEL', 'reclaim\u007F'],
    ['a C1 control', 'reclaim \u0085'],
    ['U+FFFD from invalid UTF-8', new TextDecoder().decode(new Uint8Array([0x6f, 0x70, 0x65, 0x6e, 0x20, 0xff]))],
    ['a lone surrogate', 'open \uD800'],
  ])('rejects a line with %s as not text', (_what, line) => {
    expect(errorOf(`# ok\n${line}\n`).message).toBe('dir/s.fl:2: not text (control character or invalid UTF-8)');
  });

  it('accepts tab and CR as blanks', () => {
    expect(parseScript('pwrite\t0\r4k\r\n', 's.fl').lines[0]?.op).toBe('pwrite\t0\r4k');
  });

  it('reports the first malformed line of the whole script', () => {
    const e = errorOf('mount memfd\npwrite 0 4k\nbogus\npwrite -S 999 0 1\nthp nope=1\n');
    expect(e.line).toBe(3);
    expect(e.message).toBe("dir/s.fl:3: unknown command 'bogus'");
    expect(errorOf('reclaim\n\n# c\nmmap -m\n\u0000\n').line).toBe(4);
  });

  it('counts CRLF lines and comment lines when numbering', () => {
    expect(errorOf('# a\r\n\r\nreclaim\r\nnope\r\n').message).toBe("dir/s.fl:4: unknown command 'nope'");
  });
});

describe('thp knob names', () => {
  it.each([
    'shmem_enabled',
    ...[8, 16, 32, 64, 128, 256, 512, 1024, 2048].map((kb) => `hugepages-${kb}kB`),
    ...['defrag', 'max_ptes_none', 'max_ptes_swap', 'max_ptes_shared', 'pages_to_scan', 'scan_sleep_millisecs', 'alloc_sleep_millisecs'].map(
      (k) => `khugepaged.${k}`,
    ),
  ])('accepts %s with any value word', (key) => {
    const c = parseScript(`thp ${key}=whatever`, 's.fl').lines[0]?.command;
    expect(c).toStrictEqual({ cmd: 'thp', writes: [{ key, value: 'whatever' }] });
  });

  it.each([
    'hugepages-4kB',
    'hugepages-4096kB',
    'hugepages-64KB',
    'hugepages-64kb',
    'hugepages-0064kB',
    'hugepages-64kB/shmem_enabled',
    'khugepaged.full_scans',
    'khugepaged',
    'khugepaged.',
    'Shmem_enabled',
    'enabled',
    'defrag',
    '',
  ])('rejects knob %j', (key) => {
    expect(errorOf(`thp shmem_enabled=never ${key}=1`).message).toBe(`dir/s.fl:1: unknown knob '${key}'`);
  });
});
