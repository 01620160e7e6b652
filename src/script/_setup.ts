import type { Command, KnobWrite } from './ast.js';
import { fault } from './_fault.js';
import { noArgs, scan, wrongArgs } from './_args.js';
import { isKnob } from './_knobs.js';
import { parseLoff } from './_numbers.js';
import { fileNameProblem } from './file-name.js';

/** Mount kinds of product.md §1. */
const MOUNT_KINDS = 'tmpfs, anon, memfd or sysv';

/**
 * `mount tmpfs [huge=WORD] [size=SIZE]` (options in either order, each at most once),
 * `mount anon SIZE`, `mount memfd`, `mount sysv SIZE`. The huge word is kept as written
 * (`huge=force` is the kernel's EINVAL, not a script error). Throws a LineFault if malformed. Pure.
 */
export function parseMount(words: readonly string[]): Command {
  const [kind, ...rest] = words;
  const { args } = scan('mount', rest, {});
  switch (kind) {
    case 'tmpfs':
      return parseTmpfs(args);
    case 'anon':
    case 'sysv': {
      const [size] = args;
      if (size === undefined || args.length !== 1) return wrongArgs('mount');
      return { cmd: 'mount', kind, size: parseLoff(size) };
    }
    case 'memfd':
      if (args.length !== 0) return wrongArgs('mount');
      return { cmd: 'mount', kind };
    case undefined:
      return wrongArgs('mount');
    default:
      return fault(`unknown mount kind '${kind}' (want ${MOUNT_KINDS})`);
  }
}

function parseTmpfs(args: readonly string[]): Command {
  let huge: string | undefined;
  let size: bigint | undefined;
  for (const a of args) {
    if (a.startsWith('huge=')) {
      if (huge !== undefined) return fault(`duplicated option 'huge='`);
      huge = a.slice('huge='.length);
    } else if (a.startsWith('size=')) {
      if (size !== undefined) return fault(`duplicated option 'size='`);
      size = parseLoff(a.slice('size='.length));
    } else {
      return fault(`unknown mount option '${a}' (usage: mount tmpfs [huge=WORD] [size=SIZE])`);
    }
  }
  return { cmd: 'mount', kind: 'tmpfs', huge, size };
}

/** `remount huge=VALUE`, the word kept as written. Throws a LineFault if malformed. Pure. */
export function parseRemount(words: readonly string[]): Command {
  const { args } = scan('remount', words, {});
  const [opt] = args;
  if (opt === undefined || args.length !== 1) return wrongArgs('remount');
  if (!opt.startsWith('huge=')) return fault(`unknown remount option '${opt}' (usage: remount huge=VALUE)`);
  return { cmd: 'remount', huge: opt.slice('huge='.length) };
}

/**
 * `thp KEY=VALUE [KEY=VALUE ...]`: knob names are checked, values kept as written (the
 * model answers EINVAL). Throws a LineFault if malformed or a knob is unknown. Pure.
 */
export function parseThp(words: readonly string[]): Command {
  const { args } = scan('thp', words, {});
  if (args.length === 0) return wrongArgs('thp');
  const writes = args.map((a): KnobWrite => {
    const eq = a.indexOf('=');
    if (eq < 0) return fault(`expected KEY=VALUE, got '${a}'`);
    const key = a.slice(0, eq);
    if (!isKnob(key)) return fault(`unknown knob '${key}'`);
    return { key, value: a.slice(eq + 1) };
  });
  return { cmd: 'thp', writes };
}

/**
 * `open NAME`: NAME is required and is one path component (see file-name.ts), so that no
 * script can reach outside its mount. Throws a LineFault if malformed. Pure.
 */
export function parseOpen(words: readonly string[]): Command {
  const { args } = scan('open', words, {});
  const [name] = args;
  if (name === undefined) return fault('open needs a NAME (usage: open NAME)');
  if (args.length !== 1) return wrongArgs('open');
  const problem = fileNameProblem(name);
  if (problem !== undefined) return fault(`open: ${problem}`);
  return { cmd: 'open', name };
}

/** `unlink`. Throws a LineFault if given arguments. Pure. */
export function parseUnlink(words: readonly string[]): Command {
  noArgs('unlink', words);
  return { cmd: 'unlink' };
}
