import type { ByteRange, CommandName } from './ast.js';
import { fault } from './_fault.js';
import { parseLoff } from './_numbers.js';

/** Usage of each command, quoted in "wrong number of arguments" messages (product.md §1). */
export const USAGE: Readonly<Record<CommandName, string>> = {
  mount: 'mount tmpfs [huge=WORD] [size=SIZE] | mount anon SIZE | mount memfd | mount sysv SIZE',
  remount: 'remount huge=VALUE',
  thp: 'thp KEY=VALUE [KEY=VALUE ...]',
  open: 'open NAME',
  unlink: 'unlink',
  pwrite: 'pwrite [-b BSIZE] [-S BYTE] OFF LEN',
  pread: 'pread [-b BSIZE] OFF LEN',
  falloc: 'falloc [-k] OFF LEN',
  fpunch: 'fpunch OFF LEN',
  fzero: 'fzero OFF LEN',
  truncate: 'truncate SIZE',
  seek: 'seek -d OFF | seek -h OFF',
  mmap: 'mmap [-m MISALIGN] [OFF LEN]',
  munmap: 'munmap',
  mread: 'mread [OFF LEN]',
  mwrite: 'mwrite [-S BYTE] [OFF LEN]',
  madvise: 'madvise -h|-n|-c|-R|-d|-r|-s|-w [OFF LEN]',
  pin: 'pin [OFF LEN]',
  unpin: 'unpin [OFF LEN]',
  reclaim: 'reclaim',
  scan: 'scan',
  memory: 'memory LIMIT',
  khugepaged: 'khugepaged',
};

/** Throw the "wrong number of arguments" LineFault for `cmd`. */
export function wrongArgs(cmd: CommandName): never {
  return fault(`wrong number of arguments (usage: ${USAGE[cmd]})`);
}

/** Whether an option takes a value (`-S BYTE`) or stands alone (`-k`). */
export type OptionKind = 'bool' | 'value';

/** A line's words sorted into options and positional arguments. */
export interface Scanned {
  /** Option → its value word, or true for a bool option. */
  readonly options: ReadonlyMap<string, string | true>;
  readonly args: readonly string[];
}

// A word is an option when it starts with '-' and then not a digit: `-5` and `-0x10` are
// (negative) numbers, so `seek -d -5` reads as option -d and argument -5.
const OPTION = /^-[^0-9]/;

/**
 * Sort `words` (the command word excluded) into options and arguments, in any order, as
 * getopt does. A value option takes the next word whatever it looks like.
 *
 * @returns the options and arguments; throws a LineFault for an unknown or duplicated
 *   option, or a value option at the end of the line. Pure.
 */
export function scan(cmd: CommandName, words: readonly string[], spec: Readonly<Record<string, OptionKind>>): Scanned {
  const options = new Map<string, string | true>();
  const args: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (!OPTION.test(w)) {
      args.push(w);
      continue;
    }
    const kind = Object.hasOwn(spec, w) ? spec[w] : undefined;
    if (kind === undefined) return fault(`unknown flag '${w}' for ${cmd} (usage: ${USAGE[cmd]})`);
    if (options.has(w)) return fault(`duplicated option '${w}'`);
    if (kind === 'bool') {
      options.set(w, true);
    } else {
      const value = words[++i];
      if (value === undefined) return wrongArgs(cmd);
      options.set(w, value);
    }
  }
  return { options, args };
}

/** Parse exactly `OFF LEN`. Throws a LineFault otherwise. Pure. */
export function posLen(cmd: CommandName, args: readonly string[]): ByteRange {
  const [pos, len] = args;
  if (pos === undefined || len === undefined || args.length !== 2) return wrongArgs(cmd);
  return { pos: parseLoff(pos), len: parseLoff(len) };
}

/** Parse an optional `[OFF LEN]`: both or neither. Throws a LineFault otherwise. Pure. */
export function optionalRange(cmd: CommandName, args: readonly string[]): ByteRange | undefined {
  return args.length === 0 ? undefined : posLen(cmd, args);
}

/** Check that `cmd` got no arguments at all. Throws a LineFault otherwise. */
export function noArgs(cmd: CommandName, words: readonly string[]): void {
  scan(cmd, words, {});
  if (words.length !== 0) wrongArgs(cmd);
}

/** A value option's word, or undefined when absent. */
export function optionValue(s: Scanned, flag: string): string | undefined {
  const v = s.options.get(flag);
  return typeof v === 'string' ? v : undefined;
}
