import type { Advice, Command } from './ast.js';
import { ADVICE_FLAG } from './advice.js';
import { fault } from './_fault.js';
import { noArgs, optionalRange, optionValue, scan } from './_args.js';
import { parseByte, parseLoff } from './_numbers.js';

/** `mwrite`'s byte when there is no `-S` (xfs_io's default, 'X'). */
export const MWRITE_BYTE = 0x58;

const FLAG_ADVICE: ReadonlyMap<string, Advice> = new Map(Object.entries(ADVICE_FLAG).map(([a, f]) => [f, a as Advice]));
const ADVICE_OPTIONS = Object.fromEntries([...FLAG_ADVICE.keys()].map((f) => [f, 'bool' as const]));
const FLAG_LIST = [...FLAG_ADVICE.keys()].join(' ');

/** `mmap [-m MISALIGN] [OFF LEN]`. Throws a LineFault if malformed. Pure. */
export function parseMmap(words: readonly string[]): Command {
  const s = scan('mmap', words, { '-m': 'value' });
  const m = optionValue(s, '-m');
  return { cmd: 'mmap', misalign: m === undefined ? 0n : parseLoff(m), range: optionalRange('mmap', s.args) };
}

/** `mread [OFF LEN]`. Throws a LineFault if malformed. Pure. */
export function parseMread(words: readonly string[]): Command {
  return { cmd: 'mread', range: optionalRange('mread', scan('mread', words, {}).args) };
}

/** `mwrite [-S BYTE] [OFF LEN]`. Throws a LineFault if malformed. Pure. */
export function parseMwrite(words: readonly string[]): Command {
  const s = scan('mwrite', words, { '-S': 'value' });
  const b = optionValue(s, '-S');
  return { cmd: 'mwrite', byte: b === undefined ? MWRITE_BYTE : parseByte(b), range: optionalRange('mwrite', s.args) };
}

/** `madvise -h|-n|-c|-R|-d|-r|-s|-w [OFF LEN]`: exactly one advice. Throws a LineFault if malformed. Pure. */
export function parseMadvise(words: readonly string[]): Command {
  const s = scan('madvise', words, ADVICE_OPTIONS);
  const flags = [...s.options.keys()];
  const advice = flags.length === 1 ? FLAG_ADVICE.get(flags[0] ?? '') : undefined;
  if (advice === undefined) return fault(`madvise takes exactly one of ${FLAG_LIST}`);
  return { cmd: 'madvise', advice, range: optionalRange('madvise', s.args) };
}

/** `pin [OFF LEN]` / `unpin [OFF LEN]`. Throws a LineFault if malformed. Pure. */
export function parsePin(cmd: 'pin' | 'unpin', words: readonly string[]): Command {
  return { cmd, range: optionalRange(cmd, scan(cmd, words, {}).args) };
}

/** The commands without arguments. Throws a LineFault if any are given. Pure. */
export function parseBare(cmd: 'munmap' | 'reclaim' | 'scan' | 'khugepaged' | 'unlink', words: readonly string[]): Command {
  noArgs(cmd, words);
  return { cmd };
}
