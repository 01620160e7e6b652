import { fault } from './_fault.js';

/** One non-blank, non-comment line, before its command is parsed. */
export interface RawCommand {
  /** The line without comment and task prefix, trimmed of blanks. */
  readonly op: string;
  /** The letter of an `[A]` prefix, or undefined. */
  readonly task: string | undefined;
  /** `op` split at blanks. */
  readonly words: readonly string[];
}

// Control characters other than tab and CR (C0, DEL, C1), U+FFFD (what a decoder makes of
// invalid UTF-8) and lone UTF-16 surrogates (with the `u` flag a valid pair is one code point
// and does not match): none of them can be in a text line.
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\uD800-\uDFFF]/u;

/** Blanks between words: space, tab and CR (a CRLF line end, or a stray CR). */
const BLANKS = /[ \t\r]+/;
const TRIM = /^[ \t\r]+|[ \t\r]+$/g;
const TASK = /^\[([A-Z])\]/;

/** Whether `s` holds no character a text line cannot hold. Pure. */
export function isText(s: string): boolean {
  return !NOT_TEXT.test(s);
}

/**
 * Split a script into its lines: `[lineNumber, text]`, 1-based, at `\n` (a CR before it is
 * a blank and trimmed later). A leading byte-order mark is dropped. Pure.
 */
export function splitLines(text: string): Array<readonly [number, string]> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return body.split('\n').map((s, i) => [i + 1, s] as const);
}

/**
 * Read one line: check it is text, drop its comment and task prefix.
 *
 * @returns undefined for a blank or comment-only line; throws a LineFault for a line that
 *   is not text, a malformed task prefix, or a prefix with no command. Pure.
 */
export function readLine(raw: string): RawCommand | undefined {
  if (!isText(raw)) return fault('not text (control character or invalid UTF-8)');
  const hash = raw.indexOf('#');
  let op = (hash < 0 ? raw : raw.slice(0, hash)).replace(TRIM, '');
  if (op === '') return undefined;
  let task: string | undefined;
  if (op.startsWith('[')) {
    const m = TASK.exec(op);
    if (m === null) return fault(`malformed task prefix '${op.split(BLANKS)[0] ?? ''}' (want [A]..[Z])`);
    task = m[1];
    op = op.slice(m[0].length).replace(TRIM, '');
    if (op === '') return fault(`task prefix [${task ?? ''}] without a command`);
  }
  return { op, task, words: op.split(BLANKS) };
}
