/**
 * Helpers for the model's observation tests: run a script through the simulator and read its
 * product.md §2 observations in kernel.md's layout notation (see `_layout.ts`).
 */
import { simulateText } from '../../src/sim/index.js';
import type { Observation } from '../../src/script/observation.js';

export { G, K, M, allocStats, blocksOf, folios, layout, pagesOf, sizeKey } from './_layout.js';

/** Script text from lines (a string is taken as a whole script). */
export function scriptText(lines: string | readonly string[]): string {
  return typeof lines === 'string' ? lines : `${lines.join('\n')}\n`;
}

/** Every observation of a script, one per command line. */
export function run(lines: string | readonly string[]): readonly Observation[] {
  const text = scriptText(lines);
  const observations: readonly Observation[] = simulateText(text);
  return observations;
}

/** The observation of the script's last command line. */
export function last(lines: string | readonly string[]): Observation {
  return nth(lines, -1);
}

/** The observation of command `i` (negative: from the end, -1 is the last). */
export function nth(lines: string | readonly string[], i: number): Observation {
  const observations = run(lines);
  const o = observations[i < 0 ? observations.length + i : i];
  if (o === undefined) throw new Error(`no observation ${i} among ${observations.length}`);
  return o;
}

/**
 * `it.each` rows `[title, case]` for a `'%s'` name: vitest prints `$title` quoted and cut
 * at 40 characters, `%s` prints the whole title.
 */
export function titled<T extends { readonly title: string }>(cases: readonly T[]): [string, T][] {
  return cases.map((c) => [c.title, c]);
}
