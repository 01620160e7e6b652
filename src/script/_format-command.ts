import type { ByteRange, Command } from './ast.js';
import { isKnob } from './_knobs.js';
import { ADVICE_FLAG } from './advice.js';
import { MWRITE_BYTE } from './_map-ops.js';
import { fileNameProblem } from './file-name.js';
import { PWRITE_BYTE } from './_file-ops.js';
import { formatByte, formatLoff } from './_numbers.js';
import { isText } from './_text.js';

// A word holding a blank or '#' would split or end the line when read back, so it cannot be
// printed at all (there is no quoting in the language).
const UNPRINTABLE = /[ \t\r\n#]/;

/** A non-negative number: only a seek offset may be negative. */
function n(v: bigint): string {
  if (v < 0n) throw new RangeError(`negative number cannot be written here: ${v}`);
  return formatLoff(v);
}

function word(s: string, what: string): string {
  if (UNPRINTABLE.test(s) || !isText(s)) throw new RangeError(`${what} cannot be written in a script: ${JSON.stringify(s)}`);
  return s;
}

function range(r: ByteRange | undefined): string {
  return r === undefined ? '' : ` ${n(r.pos)} ${n(r.len)}`;
}

function bsizeOpt(b: bigint | undefined): string {
  if (b === undefined) return '';
  if (b <= 0n) throw new RangeError(`-b BSIZE must be positive: ${b}`);
  return ` -b ${n(b)}`;
}

function byteOpt(b: number, dflt: number): string {
  return b === dflt ? '' : ` -S ${formatByte(b)}`;
}

function formatMount(c: Extract<Command, { cmd: 'mount' }>): string {
  switch (c.kind) {
    case 'tmpfs': {
      const huge = c.huge === undefined ? '' : ` huge=${word(c.huge, 'huge value')}`;
      return `mount tmpfs${huge}${c.size === undefined ? '' : ` size=${n(c.size)}`}`;
    }
    case 'anon':
    case 'sysv':
      return `mount ${c.kind} ${n(c.size)}`;
    case 'memfd':
      return 'mount memfd';
  }
}

function formatThp(c: Extract<Command, { cmd: 'thp' }>): string {
  if (c.writes.length === 0) throw new RangeError('thp needs at least one KEY=VALUE');
  const pairs = c.writes.map((w) => {
    if (!isKnob(w.key)) throw new RangeError(`unknown knob ${JSON.stringify(w.key)}`);
    return `${w.key}=${word(w.value, 'knob value')}`;
  });
  return `thp ${pairs.join(' ')}`;
}

/**
 * Print a command in canonical script syntax: defaults left out (`-S 0xcd`, `-m 0`), sizes
 * with the largest exact k/m/g/t suffix, bytes in hex. `parseScript` of the result gives `c`
 * back. Pure.
 *
 * @throws RangeError if `c` cannot be written in a script (a number outside `loff_t`, a byte
 *   outside 0..255, a word with a blank or `#`, an unknown knob, an empty `thp`, a file name
 *   that is not one path component, a BSIZE that is not positive, a negative number outside `seek`)
 *
 * ### Example
 * ```ts
 * formatCommand({ cmd: 'pwrite', byte: 0xaa, pos: 0n, len: 2097152n }); // 'pwrite -S 0xaa 0 2m'
 * ```
 */
export function formatCommand(c: Command): string {
  switch (c.cmd) {
    case 'mount':
      return formatMount(c);
    case 'remount':
      return `remount huge=${word(c.huge, 'huge value')}`;
    case 'thp':
      return formatThp(c);
    case 'open': {
      const problem = /^-[^0-9]/.test(c.name) ? 'reads as an option' : fileNameProblem(c.name);
      if (problem !== undefined) throw new RangeError(`bad file name ${JSON.stringify(c.name)}: ${problem}`);
      return `open ${c.name}`;
    }
    case 'pwrite':
      return `pwrite${bsizeOpt(c.bsize)}${byteOpt(c.byte, PWRITE_BYTE)} ${n(c.pos)} ${n(c.len)}`;
    case 'pread':
      return `pread${bsizeOpt(c.bsize)} ${n(c.pos)} ${n(c.len)}`;
    case 'fpunch':
    case 'fzero':
      return `${c.cmd} ${n(c.pos)} ${n(c.len)}`;
    case 'falloc':
      return `falloc${c.keepSize ? ' -k' : ''} ${n(c.pos)} ${n(c.len)}`;
    case 'truncate':
      return `truncate ${n(c.size)}`;
    case 'memory':
      return `memory ${n(c.limit)}`;
    case 'seek':
      return `seek ${c.whence === 'data' ? '-d' : '-h'} ${formatLoff(c.offset)}`;
    case 'mmap':
      return `mmap${c.misalign === 0n ? '' : ` -m ${n(c.misalign)}`}${range(c.range)}`;
    case 'mwrite':
      return `mwrite${byteOpt(c.byte, MWRITE_BYTE)}${range(c.range)}`;
    case 'madvise':
      return `madvise ${ADVICE_FLAG[c.advice]}${range(c.range)}`;
    case 'mread':
    case 'pin':
    case 'unpin':
      return `${c.cmd}${range(c.range)}`;
    case 'unlink':
    case 'munmap':
    case 'reclaim':
    case 'scan':
    case 'khugepaged':
      return c.cmd;
  }
}
