import type { Command, Script, ScriptLine } from '../script/index.js';
import { ADVICE_FLAG } from '../script/index.js';

/** Commands this build models (the rest belong to later slices). */
const MODELLED = new Set<string>([
  'mount tmpfs', 'mount memfd', 'remount', 'thp', 'open', 'unlink',
  'pwrite', 'pread', 'seek', 'truncate', 'fzero', 'falloc', 'fpunch', 'reclaim', 'scan', 'memory',
  'mount anon', 'mount sysv', 'mmap', 'munmap', 'mread', 'mwrite', 'pin', 'unpin',
  'madvise -h', 'madvise -n', 'madvise -d', 'madvise -c', 'madvise -R', 'madvise -r', 'madvise -s', 'madvise -w',
  'khugepaged',
]);

/** The word a "not supported yet" message names: `mount anon`, `madvise -c`, `falloc`, ... Pure. */
export function commandWord(c: Command): string {
  if (c.cmd === 'mount') return `mount ${c.kind}`;
  if (c.cmd === 'madvise') return `madvise ${ADVICE_FLAG[c.advice]}`;
  return c.cmd;
}

/**
 * The first line this build cannot run at all (a command of a later slice), with what to name
 * in the message. Pure.
 */
export function firstUnsupportedLine(script: Script): { readonly line: ScriptLine; readonly what: string } | undefined {
  for (const line of script.lines) {
    const word = commandWord(line.command);
    if (!MODELLED.has(word)) return { line, what: word };
  }
  return undefined;
}
