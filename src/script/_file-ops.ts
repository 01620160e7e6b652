import type { Command } from './ast.js';
import { fault } from './_fault.js';
import { optionValue, posLen, scan, type Scanned, wrongArgs } from './_args.js';
import { parseByte, parseLoff } from './_numbers.js';

/** `pwrite`'s byte when there is no `-S` (xfs_io's default). */
export const PWRITE_BYTE = 0xcd;

/** xfs_io's `-b BSIZE`: a positive size, or undefined without `-b`. Throws a LineFault otherwise. Pure. */
function parseBsize(s: Scanned): bigint | undefined {
  const b = optionValue(s, '-b');
  if (b === undefined) return undefined;
  const v = parseLoff(b);
  return v > 0n ? v : fault(`-b BSIZE must be positive, got '${b}'`);
}

/**
 * `pwrite [-b BSIZE] [-S BYTE] OFF LEN`: one call of LEN bytes, or calls of BSIZE bytes as in
 * xfs_io. Throws a LineFault if malformed. Pure.
 */
export function parsePwrite(words: readonly string[]): Command {
  const s = scan('pwrite', words, { '-S': 'value', '-b': 'value' });
  const { pos, len } = posLen('pwrite', s.args);
  const b = optionValue(s, '-S');
  return { cmd: 'pwrite', byte: b === undefined ? PWRITE_BYTE : parseByte(b), pos, len, bsize: parseBsize(s) };
}

/** `pread [-b BSIZE] OFF LEN`. Throws a LineFault if malformed. Pure. */
export function parsePread(words: readonly string[]): Command {
  const s = scan('pread', words, { '-b': 'value' });
  const { pos, len } = posLen('pread', s.args);
  return { cmd: 'pread', pos, len, bsize: parseBsize(s) };
}

/** `falloc [-k] OFF LEN`. Throws a LineFault if malformed. Pure. */
export function parseFalloc(words: readonly string[]): Command {
  const s = scan('falloc', words, { '-k': 'bool' });
  const { pos, len } = posLen('falloc', s.args);
  return { cmd: 'falloc', keepSize: s.options.has('-k'), pos, len };
}

/** `fpunch OFF LEN`. Throws a LineFault if malformed. Pure. */
export function parseFpunch(words: readonly string[]): Command {
  const { pos, len } = posLen('fpunch', scan('fpunch', words, {}).args);
  return { cmd: 'fpunch', pos, len };
}

/** `fzero OFF LEN`. Throws a LineFault if malformed. Pure. */
export function parseFzero(words: readonly string[]): Command {
  const { pos, len } = posLen('fzero', scan('fzero', words, {}).args);
  return { cmd: 'fzero', pos, len };
}

/** `truncate SIZE`. Throws a LineFault if malformed. Pure. */
export function parseTruncate(words: readonly string[]): Command {
  const { args } = scan('truncate', words, {});
  const [size] = args;
  if (size === undefined || args.length !== 1) return wrongArgs('truncate');
  return { cmd: 'truncate', size: parseLoff(size) };
}

/** `memory LIMIT` (a size, 0: no limit). Throws a LineFault if malformed. Pure. */
export function parseMemory(words: readonly string[]): Command {
  const { args } = scan('memory', words, {});
  const [limit] = args;
  if (limit === undefined || args.length !== 1) return wrongArgs('memory');
  return { cmd: 'memory', limit: parseLoff(limit) };
}

/**
 * `seek -d OFF` / `seek -h OFF`. The only place a negative number is legal (the kernel
 * answers ENXIO). Throws a LineFault if malformed. Pure.
 */
export function parseSeek(words: readonly string[]): Command {
  const s = scan('seek', words, { '-d': 'bool', '-h': 'bool' });
  const data = s.options.has('-d');
  if (data === s.options.has('-h')) return fault('seek takes exactly one of -d or -h (usage: seek -d OFF | seek -h OFF)');
  const [offset] = s.args;
  if (offset === undefined || s.args.length !== 1) return wrongArgs('seek');
  return { cmd: 'seek', whence: data ? 'data' : 'hole', offset: parseLoff(offset, true) };
}
