import type { Script, ScriptLine } from './ast.js';
import { parseCommand } from './_command.js';
import { LineFault } from './_fault.js';
import { readLine, splitLines } from './_text.js';
import { ScriptError } from './errors.js';

/**
 * Parse a script of the workload language (product.md §1): one command per line, `#`
 * comments, blank lines skipped, CRLF accepted, an optional `[A]` task prefix (setup lines,
 * without one, come before every prefixed line).
 *
 * Every line is checked in order and the first malformed one is reported. Numbers are
 * exact `bigint` bytes; values the kernel would refuse (`huge=force`) are kept as written.
 * Pure.
 *
 * @param text - the decoded UTF-8 source (invalid bytes show up as U+FFFD: not text)
 * @param file - the file name as given on the command line, for `FILE:LINE` messages
 * @returns the script; an empty script (no commands) is valid
 * @throws ScriptError `FILE:LINE: reason` for the first malformed line
 *
 * ### Example
 * ```ts
 * const s = parseScript('mount tmpfs huge=always\npwrite 0 2m  # fill\n', 'x.fl');
 * s.lines[1]; // { line: 2, op: 'pwrite 0 2m', task: undefined, command: { cmd: 'pwrite', byte: 205, pos: 0n, len: 2097152n } }
 * ```
 */
export function parseScript(text: string, file: string): Script {
  const lines: ScriptLine[] = [];
  let tasks = false;
  for (const [line, raw] of splitLines(text)) {
    const parsed = parseLine(raw, line, file);
    if (parsed === undefined) continue;
    // Setup lines come first; once a task line appeared, every line belongs to a task.
    if (tasks && parsed.task === undefined) throw new ScriptError(file, line, 'a line without a task prefix after a prefixed one (setup lines come first)');
    tasks ||= parsed.task !== undefined;
    lines.push(parsed);
  }
  return { file, text, lines };
}

/**
 * Parse one line of a script, for a program that makes its lines as it runs (a seeded
 * workload) rather than holding them all. Pure.
 * @returns undefined for a blank or comment-only line
 * @throws ScriptError `FILE:LINE: reason` for a malformed line
 */
export function parseLine(raw: string, line: number, file: string): ScriptLine | undefined {
  try {
    const read = readLine(raw);
    return read === undefined ? undefined : { line, op: read.op, task: read.task, command: parseCommand(read.words) };
  } catch (e) {
    if (e instanceof LineFault) throw new ScriptError(file, line, e.message);
    throw e;
  }
}
