import { describe, expect, it } from 'vitest';
import { choiceSpec, fallbackText, follows, headerLine, intSpec, listSpec, optionsJson, readOptions, sizeSpec } from '../../../src/fuzz/workloads/options.js';

const SPECS = {
  ops: intSpec('commands', 100, 10, 1000),
  size: sizeSpec('bytes', 4 << 20, 2 << 20, 2 << 20, 1 << 30),
  backing: choiceSpec('where', ['memfd', 'anon'] as const, 'memfd'),
  sizes: listSpec('sizes', ['16kB', '64kB', '2048kB'] as const, ['64kB']),
};

describe('readOptions', () => {
  it('takes defaults for options not given and reads the given ones by their specs', () => {
    expect(readOptions(SPECS, {})).toEqual({ ops: 100, size: 4 << 20, backing: 'memfd', sizes: ['64kB'] });
    expect(readOptions(SPECS, { ops: '12', size: '0x1000k', backing: 'anon', sizes: '2048kB,16kB' }))
      .toEqual({ ops: 12, size: 4 << 20, backing: 'anon', sizes: ['16kB', '2048kB'] });
  });

  it.each([
    [{ ops: '9' }, '--ops: not an integer in 10..1000: 9'],
    [{ ops: '1e3' }, '--ops: not an integer in 10..1000: 1e3'],
    [{ size: '3m' }, '--size: not a multiple of 2m in 2m..1g: 3m'],
    [{ size: '2g' }, '--size: not a multiple of 2m in 2m..1g: 2g'],
    [{ size: '-2m' }, /^--size: not a size: negative number/],
    [{ size: 'lots' }, /^--size: not a size: malformed number 'lots'/],
    [{ backing: 'sysv' }, '--backing: not one of memfd, anon: sysv'],
    [{ sizes: '64kB,64kB' }, '--sizes: a word given twice: 64kB,64kB'],
    [{ sizes: '4kB' }, '--sizes: not one of 16kB, 64kB, 2048kB: 4kB'],
    [{ sizes: '' }, '--sizes: not one of 16kB, 64kB, 2048kB: '],
  ])('refuses %j naming the option', (given, message) => {
    expect(() => readOptions(SPECS, given)).toThrow(message);
  });
});

describe('follows', () => {
  interface Limits { readonly size: number; readonly limit: number }
  const LIMITS = {
    size: sizeSpec<Limits>('bytes', 4 << 20, 2 << 20, 2 << 20, 1 << 30),
    limit: sizeSpec<Limits>('limit', follows('size', 'half of --size', (size) => size / 2), 4096, 0, 1 << 30),
  };

  it('makes a default that follows an option read before it, unless the option is given', () => {
    expect(readOptions(LIMITS, {})).toEqual({ size: 4 << 20, limit: 2 << 20 });
    expect(readOptions(LIMITS, { size: '16m' })).toEqual({ size: 16 << 20, limit: 8 << 20 });
    expect(readOptions(LIMITS, { size: '16m', limit: '0' })).toEqual({ size: 16 << 20, limit: 0 });
    expect(fallbackText(LIMITS.limit)).toBe('half of --size');
    expect(fallbackText(LIMITS.size)).toBe('4m');
  });

  it('is a bug, not a usage error, when the option it follows is declared after it', () => {
    const backwards = { limit: LIMITS.limit, size: LIMITS.size };
    expect(() => readOptions(backwards, {})).toThrow('a default follows --size, which is declared after it');
  });
});

describe('headerLine', () => {
  it('names every option as the command line writes it, so that the line makes the script again', () => {
    const o = readOptions(SPECS, { size: '8m', sizes: '16kB,2048kB' });
    expect(headerLine('balloon', 7, SPECS, o)).toBe('# foliolog gen balloon --seed 7 --ops 100 --size 8m --backing memfd --sizes 16kB,2048kB');
    expect(optionsJson(SPECS, o)).toEqual({ ops: 100, size: 8 << 20, backing: 'memfd', sizes: '16kB,2048kB' });
  });
});
