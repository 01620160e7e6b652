/**
 * The README cookbook as data: its shell blocks, each command with the output the README shows.
 * A command is a `$ foliolog ...` line; its output is every line after it up to the next
 * command or the end of the block. `> /dev/null` after a command drops its stdout.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const README = join(ROOT, 'README.md');
const BIN = join(ROOT, 'dist/src/cli/bin.js');

/** One command of the cookbook and what the README says it prints. */
export interface Step {
  readonly command: string;
  readonly args: readonly string[];
  readonly quiet: boolean;
  readonly expected: string;
  /** Where its output lines are in the README text: [first line, line after the last]. */
  readonly at: readonly [number, number];
  /** True under `### Model and kernel`: it needs the real kernel (or runs it needs). */
  readonly kernel: boolean;
}

/** What differs between two kernel builds or recordings: the release name. */
export function sameOnAnyRelease(text: string): string {
  return text.replace(/kernel 6\.\d+\S*/g, 'kernel RELEASE');
}

/** The words of a command line: blanks split, "…" and '…' quote (no escapes: the cookbook needs none). */
export function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** The steps of the `## Cookbook` section of `text`, in order. */
export function cookbookSteps(text: string): Step[] {
  const lines = text.split('\n');
  const start = lines.indexOf('## Cookbook');
  const end = lines.findIndex((l, k) => k > start && l.startsWith('## '));
  const steps: Step[] = [];
  let inBlock = false;
  let kernel = false;
  let current: { command: string; from: number } | undefined;
  const close = (k: number): void => {
    if (current === undefined) return;
    const all = words(current.command.slice(2));
    const quiet = all.slice(-2).join(' ') === '> /dev/null';
    const args = (quiet ? all.slice(0, -2) : all).slice(1);
    steps.push({ command: current.command, args, quiet, expected: lines.slice(current.from, k).join('\n'), at: [current.from, k], kernel });
    current = undefined;
  };
  for (let k = start; k < end; k++) {
    const l = lines[k]!;
    if (l === '### Model and kernel') kernel = true;
    if (l === '```sh') inBlock = true;
    else if (inBlock && l === '```') { close(k); inBlock = false; }
    else if (inBlock && l.startsWith('$ foliolog ')) { close(k); current = { command: l, from: k + 1 }; }
  }
  return steps;
}

/** Run one step's command in `cwd` with the built CLI: stdout (unless quiet) then stderr. */
export function runStep(step: Step, cwd: string): string {
  const r = spawnSync(process.execPath, [BIN, ...step.args], { cwd, encoding: 'utf8' });
  return `${step.quiet ? '' : r.stdout}${r.stderr}`.replace(/\n$/, '');
}

/** The README text with each step's output replaced by `outputs[k]`. */
export function withOutputs(text: string, steps: readonly Step[], outputs: readonly string[]): string {
  const lines = text.split('\n');
  for (let k = steps.length - 1; k >= 0; k--) {
    const [a, b] = steps[k]!.at;
    lines.splice(a, b - a, ...(outputs[k] === '' ? [] : outputs[k]!.split('\n')));
  }
  return lines.join('\n');
}

export function readme(): string {
  return readFileSync(README, 'utf8');
}
