import type { Command, CommandName } from './ast.js';
import { fault } from './_fault.js';
import { parseFalloc, parseFpunch, parseFzero, parseMemory, parsePread, parsePwrite, parseSeek, parseTruncate } from './_file-ops.js';
import { parseBare, parseMadvise, parseMmap, parseMread, parseMwrite, parsePin } from './_map-ops.js';
import { parseMount, parseOpen, parseRemount, parseThp, parseUnlink } from './_setup.js';

type WordsParser = (words: readonly string[]) => Command;

/** One parser per command word, in product.md §1 order. */
const PARSERS: Readonly<Record<CommandName, WordsParser>> = {
  mount: parseMount,
  remount: parseRemount,
  thp: parseThp,
  open: parseOpen,
  unlink: parseUnlink,
  pwrite: parsePwrite,
  pread: parsePread,
  falloc: parseFalloc,
  fpunch: parseFpunch,
  fzero: parseFzero,
  truncate: parseTruncate,
  seek: parseSeek,
  mmap: parseMmap,
  munmap: (w) => parseBare('munmap', w),
  mread: parseMread,
  mwrite: parseMwrite,
  madvise: parseMadvise,
  pin: (w) => parsePin('pin', w),
  unpin: (w) => parsePin('unpin', w),
  reclaim: (w) => parseBare('reclaim', w),
  scan: (w) => parseBare('scan', w),
  memory: parseMemory,
  khugepaged: (w) => parseBare('khugepaged', w),
};

function isCommandName(word: string): word is CommandName {
  return Object.hasOwn(PARSERS, word);
}

/**
 * Parse one command from its words (`['pwrite', '-S', '0xaa', '0', '4k']`).
 *
 * @returns the command; throws a LineFault for an unknown command or malformed arguments. Pure.
 */
export function parseCommand(words: readonly string[]): Command {
  const [name = '', ...rest] = words;
  if (!isCommandName(name)) return fault(`unknown command '${name}'`);
  return PARSERS[name](rest);
}
