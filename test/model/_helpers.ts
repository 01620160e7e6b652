/**
 * Helpers for the model's observation tests: run a script through the simulator and read its
 * product.md §2 observations in kernel.md's layout notation (see `_layout.ts`).
 *
 * Every script the model tests run was also replayed on Linux 6.18.44 through the probe and
 * agreed by product.md §2's comparison rules, except the one documented divergence (the
 * `split_failed` count of `reclaim` on a pinned folio, which depends on the machine's cgroups).
 */
import { expect } from 'vitest';
import type { KernelVariant } from '../../src/model/index.js';
import { simulateText } from '../../src/sim/index.js';
import type { Observation, StatsDelta } from '../../src/script/observation.js';
import { blocksOf, folios } from './_layout.js';

export { G, K, M, allocStats, blocksOf, folios, layout, pagesOf, sizeKey } from './_layout.js';

/** Script text from lines (a string is taken as a whole script). */
export function scriptText(lines: string | readonly string[]): string {
  return typeof lines === 'string' ? lines : `${lines.join('\n')}\n`;
}

/** Every observation of a script, one per command line. */
export function run(lines: string | readonly string[], variant?: KernelVariant): readonly Observation[] {
  const text = scriptText(lines);
  const observations: readonly Observation[] = simulateText(text, variant ? { variant } : {});
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

/** One row of kernel.md §3.7: the layout, counters, size and SEEK_HOLE(0) after `ops`. */
export interface Section37Row {
  readonly title: string;
  readonly setup: readonly string[];
  readonly ops: readonly string[];
  readonly layout: string;
  readonly stats: StatsDelta;
  readonly size: bigint;
  /** SEEK_HOLE(0) afterwards: an offset, or an errno name. */
  readonly hole: bigint | string;
}

/** Run a §3.7 row and assert every column of the table on its last operation. */
export function expectSection37Row(row: Section37Row): void {
  const obs = run([...row.setup, ...row.ops, 'seek -h 0']);
  const op = obs[obs.length - 2]!;
  expect(op.ret).toBe(0n);
  expect(op.folios).toEqual(folios(row.layout));
  expect(op.stats).toEqual(row.stats);
  expect(op.blocks).toBe(blocksOf(row.layout));
  expect(op.size).toBe(row.size);
  expect(obs[obs.length - 1]!.ret).toBe(row.hole);
}
