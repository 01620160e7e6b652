import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BugName, PolicySpec } from '../../model/index.js';
import { DEFAULT_POLICY, formatPolicy } from '../../model/index.js';
import type { FuzzFound, FuzzOptions, Shrunk, Trial } from '../../fuzz/index.js';
import { Fuzzer, shrinkRepro, trial } from '../../fuzz/index.js';
import { formatSchedule } from '../../script/index.js';
import { CliError } from '../errors.js';
import { interruptedStatus } from '../interrupt.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { progressFor } from '../recording.js';
import { stepInSlices } from '../slices.js';
import { type FuzzOutcome, parallelFuzz } from '../parallel-fuzz.js';
import { recordRepro } from '../repro-store.js';
import { bugsOption, policyOption } from './run.js';

/** Options of `foliolog fuzz`. */
export interface FuzzCliOptions {
  readonly db: string;
  readonly json: boolean;
  readonly seeds: string;
  readonly ops: string;
  readonly tasks: string;
  readonly bug?: readonly string[];
  readonly policy: string;
  readonly out: string;
  /** Local worker threads (default 1: this one). */
  readonly jobs?: string;
}

/** `A..B` with 0 ≤ A ≤ B (both included). @throws CliError naming the option. */
export function seedRange(value: string, name = '--seeds'): readonly [number, number] {
  const m = /^(\d{1,15})\.\.(\d{1,15})$/.exec(value);
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(a <= b)) throw new CliError(`${name}: not a range A..B of integers with A ≤ B: ${value}`);
  return [a, b];
}

/** An integer option in [least, most]. @throws CliError naming the option. */
export function intOption(name: string, value: string, least: number, most: number): number {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= least && n <= most)) throw new CliError(`${name}: not an integer in ${least}..${most}: ${value}`);
  return n;
}

/** ` --policy SPEC` for a policy other than the default, else nothing. Pure. */
export function policyFlag(policy: PolicySpec | undefined): string {
  const spec = policy === undefined ? DEFAULT_POLICY : formatPolicy(policy);
  return spec === DEFAULT_POLICY ? '' : ` --policy ${spec}`;
}

/** The name a reproducer's files take after its bug switches: `none` without any. Pure. */
export function bugLabel(bugs: readonly BugName[]): string {
  return bugs.length === 0 ? 'none' : bugs.join('+');
}

/** A reproducer's files' name without `.fl`: `repro-<bug>-<seed>` (fuzz's `--out`, `campaign --out`). Pure. */
export function reproStem(seed: number, bugs: readonly BugName[]): string {
  return `repro-${bugLabel(bugs)}-${seed}`;
}

/** A reproducer's files: the script (with a header saying where it came from) and, when needed, its schedule. */
export interface ReproFiles {
  readonly script: string;
  readonly schedule: string | undefined;
  /** The exact `foliolog run` command that reproduces the failure. */
  readonly command: string;
  /** The reproducer run as that command runs it: its failure names the file's own lines. */
  readonly trial: Trial;
}

/**
 * Write a shrunk reproducer as `DIR/<stem>.fl` (and `DIR/<stem>.schedule` when it needs an
 * interleaving), the paths as `dir` was given (no absolute path unless the user gave one).
 * @throws CliError (exit 2) when the folder or the files cannot be written
 */
export function writeRepro(dir: string, stem: string, header: readonly string[], s: Shrunk, bugs: readonly BugName[],
  policy?: PolicySpec): ReproFiles {
  const script = join(dir, `${stem}.fl`);
  const schedule = s.schedule === undefined ? undefined : join(dir, `${stem}.schedule`);
  const text = [...header.map((h) => `# ${h}`), ...s.lines, ''].join('\n');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(script, text);
    if (schedule !== undefined) writeFileSync(schedule, formatSchedule(s.schedule!));
  } catch (e) {
    throw new CliError(`${dir}: cannot write the reproducer (${e instanceof Error && 'code' in e ? String(e.code) : 'error'})`, { cause: e });
  }
  const t = trial(text, script, bugs, s.schedule === undefined ? { random: 1 } : { replay: s.schedule }, policy);
  if (t?.failure === undefined) throw new Error(`internal: the reproducer ${script} does not fail`);
  return { script, schedule, command: replayCommand(script, schedule, bugs, policy), trial: t };
}

/** The `foliolog run` command that replays reproducer `script` (with `schedule`, if any). Pure. */
export function replayCommand(script: string, schedule: string | undefined, bugs: readonly string[], policy?: PolicySpec): string {
  const flags = [...bugs.map((b) => ` --bug ${b}`), policyFlag(policy), schedule === undefined ? '' : ` --schedule ${schedule}`].join('');
  return `foliolog run ${script}${flags}`;
}

/** The `foliolog fuzz` command that tries `seed` alone with these options. Pure. */
export function seedCommand(seed: number, ops: number, tasks: number, bugs: readonly string[], policy?: PolicySpec): string {
  return `foliolog fuzz --seeds ${seed}..${seed} --ops ${ops} --tasks ${tasks}${bugs.map((b) => ` --bug ${b}`).join('')}${policyFlag(policy)}`;
}

/** What `shrinkFound` made: the shrunk script and its files. */
export interface ShrunkFound {
  readonly shrunk: Shrunk;
  readonly files: ReproFiles;
  /** The files' name without `.fl`: `repro-<bug>-<seed>`. */
  readonly stem: string;
}

/**
 * Shrink failing seed `found` (a failed check) and write its reproducer into `dir` as
 * `repro-<bug>-<seed>.fl` (+ `.schedule`), headed by the `foliolog fuzz` command that finds it
 * and what failed (and any `extra` header lines).
 */
export async function shrinkFound(found: FuzzFound, o: { readonly ops: number; readonly tasks: number; readonly bugs: readonly BugName[];
  readonly policy: PolicySpec }, dir: string, extra: readonly string[] = []): Promise<ShrunkFound> {
  const f = found.trial.failure;
  const lines = found.script.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const shrunk = await shrinkRepro(lines, found.sched, o.bugs, { check: f.check!, cmd: found.trial.failedCmd! }, 'shrink.fl', undefined, o.policy);
  const stem = reproStem(found.seed, o.bugs);
  const header = [
    seedCommand(found.seed, o.ops, o.tasks, o.bugs, o.policy), ...extra,
    `check ${f.check} failed on ${found.trial.failedCmd}; shrunk from ${shrunk.before} to ${shrunk.after} operations`,
  ];
  return { shrunk, files: writeRepro(dir, stem, header, shrunk, o.bugs, o.policy), stem };
}

/**
 * Search `o.seeds` for the first failing seed, on this thread (`jobs` 1, in slices so that a
 * stop is seen between seeds) or over `jobs` worker threads (`parallelFuzz`): the same answer
 * either way. A progress bar over the seeds on a terminal.
 */
async function searchSeeds(o: FuzzOptions, jobs: number, env: CliEnv, json: boolean, stop: AbortSignal): Promise<FuzzOutcome
  | { readonly stopped: true; readonly seeds: number; readonly ops: number }> {
  const progress = progressFor(env, json, o.seeds[1] - o.seeds[0] + 1, 'fuzz', 'seeds');
  try {
    if (jobs > 1) {
      let seen = 0;
      const r = await parallelFuzz(o, jobs, stop, (n) => { seen = n; progress.tick(n); });
      return r === 'stopped' ? { stopped: true, seeds: seen, ops: 0 } : r;
    }
    const fuzzer = new Fuzzer(o);
    const stepper = { step: () => { const more = fuzzer.step(); progress.tick(fuzzer.seeds); return more; } };
    if (await stepInSlices(stepper, stop) === 'stopped') return { stopped: true, seeds: fuzzer.seeds, ops: fuzzer.ops };
    return fuzzer;
  } finally {
    progress.stop();
  }
}

/**
 * `foliolog fuzz [--seeds A..B] [--ops M] [--tasks T] [--bug NAME]... [--out DIR]`: seeded
 * random race scripts (`raceScript`), odd seeds on the random scheduler and even ones on PCT,
 * each run on the model with the oracle on, until one fails. The failure is shrunk
 * (`shrinkRepro`), written to `DIR/repro-<bug>-<seed>.fl` (and `.schedule` when it needs an
 * interleaving), recorded as a failed run of the store, and the exact `foliolog run` command
 * that reproduces it printed. A progress bar over the seeds on a terminal. JSON: one object,
 * `{seeds, ops, failure}` with `failure` null or `{seed, check, step, task, i, op, message,
 * before, after, script, schedule, command, run}`.
 * @returns 0 when no seed failed, 1 when one did, 130/143 when stopped (between seeds)
 * @throws CliError (exit 2) for bad options
 */
export async function fuzzCommand(o: FuzzCliOptions, env: CliEnv, stop: AbortSignal): Promise<number> {
  const seeds = seedRange(o.seeds);
  const ops = intOption('--ops', o.ops, 1, 100_000);
  const tasks = intOption('--tasks', o.tasks, 1, 26);
  const bugs = bugsOption(o.bug);
  const policy = policyOption(o.policy);
  const jobs = intOption('--jobs', o.jobs ?? '1', 1, 256);
  const outcome = await searchSeeds({ seeds, ops, tasks, bugs, policy }, jobs, env, o.json, stop);
  if ('stopped' in outcome) {
    env.stderr.write(`fuzz: stopped after ${outcome.seeds} seeds, ${outcome.ops} operations\n`);
    return interruptedStatus(stop);
  }
  const found = outcome.found;
  if (found === undefined) {
    env.stdout.write(o.json ? `${jsonText({ seeds: outcome.seeds, ops: outcome.ops, failure: null })}\n`
      : `fuzz: ${outcome.seeds} seeds, ${outcome.ops} operations, no failure\n`);
    return 0;
  }
  const f = found.trial.failure;
  if (f.kind !== 'check') throw new CliError(`fuzz: seed ${found.seed} reached what this build does not model: ${f.message}`);
  const { shrunk, files } = await shrinkFound(found, { ops, tasks, bugs, policy }, o.out);
  // The reproducer, recorded as `foliolog run` would record it (it fails: a failed run).
  const rec = { runId: await recordRepro(o.db, files, bugs, policy, env, stop) };
  const sf = files.trial.failure!;
  if (o.json) {
    env.stdout.write(`${jsonText({
      seeds: outcome.seeds, ops: outcome.ops,
      failure: {
        seed: found.seed, check: sf.check!, step: sf.step ?? null, task: sf.task ?? null, i: sf.i, op: shrunk.trial.failedCmd!,
        message: sf.message, before: shrunk.before, after: shrunk.after, script: files.script, schedule: files.schedule ?? null,
        command: files.command, run: rec.runId,
      },
    })}\n`);
  } else {
    env.stdout.write([
      `fuzz: ${outcome.seeds} seeds, ${outcome.ops} operations: seed ${found.seed} failed check ${f.check}`,
      `  ${f.message}`,
      `shrunk from ${shrunk.before} to ${shrunk.after} operations (${shrunk.trials} trials): ${sf.message}`,
      `reproducer: ${files.script}${files.schedule === undefined ? '' : `, schedule: ${files.schedule}`}`,
      `recorded as run ${rec.runId}`,
      `reproduce: ${files.command}`,
      '',
    ].join('\n'));
  }
  return 1;
}
