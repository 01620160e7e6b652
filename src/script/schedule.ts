import { ScriptError } from './errors.js';

const TASK = /^[A-Z]$/;

/**
 * Parse a schedule (`--schedule FILE`): one task name per step, one per line (`A`..`Z`); `#`
 * comments and blank lines are skipped. Pure.
 * @throws ScriptError `FILE:LINE: reason` for a line that is not a task name
 */
export function parseSchedule(text: string, file: string): string[] {
  const names: string[] = [];
  text.split('\n').forEach((raw, k) => {
    const hash = raw.indexOf('#');
    const word = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (word === '') return;
    if (!TASK.test(word)) throw new ScriptError(file, k + 1, `not a task name: '${word}' (want A..Z)`);
    names.push(word);
  });
  return names;
}

/** A schedule as `parseSchedule` reads it: one task name per line. Pure. */
export function formatSchedule(names: readonly string[]): string {
  return names.map((n) => `${n}\n`).join('');
}
