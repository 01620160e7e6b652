import { describe, it, expect } from 'vitest';
import { parseScript } from '../../src/script/parse.js';
import { formatLoff } from '../../src/script/_numbers.js';

/** The SIZE of `truncate SIZE`. */
function size(word: string): bigint {
  const c = parseScript(`truncate ${word}`, 'n.fl').lines[0]?.command;
  if (c?.cmd !== 'truncate') throw new Error('not truncate');
  return c.size;
}

/** The OFF of `seek -d OFF`. */
function seekOffset(word: string): bigint {
  const c = parseScript(`seek -d ${word}`, 'n.fl').lines[0]?.command;
  if (c?.cmd !== 'seek') throw new Error('not seek');
  return c.offset;
}

function errorOf(line: string): string {
  try {
    parseScript(line, 'n.fl');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

const MAX = (1n << 63n) - 1n;

describe('script numbers', () => {
  it.each<[string, bigint]>([
    ['0', 0n],
    ['4096', 4096n],
    ['007', 7n],
    ['0x0', 0n],
    ['0x1000', 4096n],
    ['0XfF', 255n],
    ['0xABCdef', 0xabcdefn],
    ['1k', 1024n],
    ['1K', 1024n],
    ['3m', 3n << 20n],
    ['3M', 3n << 20n],
    ['2g', 2n << 30n],
    ['2G', 2n << 30n],
    ['5t', 5n << 40n],
    ['5T', 5n << 40n],
    ['0x10k', 16384n],
    ['0x10M', 16n << 20n],
    ['9007199254740993', 9007199254740993n],
    ['0x20000000000001', (1n << 53n) + 1n],
    ['8388607t', 8388607n << 40n],
    ['9223372036854775807', MAX],
    ['0x7fffffffffffffff', MAX],
  ])('reads %s exactly', (word, value) => {
    expect(size(word)).toBe(value);
  });

  it.each(['9223372036854775808', '0x8000000000000000', '8388608t', '0xffffffffffffffffff', '1' + '0'.repeat(40)])(
    'rejects %s as out of range',
    (word) => {
      expect(errorOf(`truncate ${word}`)).toMatch(/^n\.fl:1: number out of range/);
    },
  );

  it.each(['', 'x', '0x', '1kk', '1.5k', '+1', '1 k', '0b101', '1e3', '1p', '0x-1', 'k', '1_000', '１'])(
    'rejects %j as malformed',
    (word) => {
      const line = word === '' ? 'pwrite 0 ""' : `pwrite 0 ${word}`;
      expect(errorOf(line)).toMatch(/^n\.fl:1: (malformed number|wrong number of arguments)/);
    },
  );

  it('allows a negative number only as a seek offset, down to -2^63', () => {
    expect(seekOffset('-1')).toBe(-1n);
    expect(seekOffset('-0')).toBe(0n);
    expect(seekOffset('-4k')).toBe(-4096n);
    expect(seekOffset('-0x8000000000000000')).toBe(-(1n << 63n));
    expect(seekOffset('-8388608t')).toBe(-(1n << 63n));
    expect(errorOf('seek -d -0x8000000000000001')).toMatch(/^n\.fl:1: number out of range/);
    expect(errorOf('seek -h -9223372036854775809')).toMatch(/^n\.fl:1: number out of range/);
  });

  it.each(['truncate -1', 'pwrite -4k 4k', 'pwrite 0 -1', 'pwrite -S -1 0 4k', 'mmap -m -4k', 'mount anon -2m', 'mount tmpfs size=-1', 'pin 0 -1', 'seek -h 0x8000000000000000 '])(
    'rejects the negative or out-of-range number in %j',
    (line) => {
      expect(errorOf(line)).toMatch(/^n\.fl:1: (negative number|number out of range)/);
    },
  );

  it('reads -S BYTE in number syntax within 0..255', () => {
    const byteOf = (w: string): unknown => parseScript(`pwrite -S ${w} 0 1`, 'n.fl').lines[0]?.command;
    expect(byteOf('0')).toMatchObject({ byte: 0 });
    expect(byteOf('255')).toMatchObject({ byte: 255 });
    expect(byteOf('0xAb')).toMatchObject({ byte: 0xab });
    expect(errorOf('pwrite -S 256 0 1')).toBe("n.fl:1: byte outside 0..255 '256'");
    expect(errorOf('mwrite -S 1k')).toBe("n.fl:1: byte outside 0..255 '1k'");
  });
});

describe('formatLoff', () => {
  it.each<[bigint, string]>([
    [0n, '0'],
    [1536n, '1536'],
    [4096n, '4k'],
    [2097152n, '2m'],
    [3n << 30n, '3g'],
    [1n << 62n, '4194304t'],
    [(1n << 62n) + 1n, '4611686018427387905'],
    [-4096n, '-4k'],
    [-(1n << 63n), '-8388608t'],
  ])('prints %s as %s', (v, text) => {
    expect(formatLoff(v)).toBe(text);
  });

  it('refuses a value outside loff_t', () => {
    expect(() => formatLoff(1n << 63n)).toThrow(RangeError);
  });
});
