import type { BugName, PolicySpec } from '../model/index.js';
import type { CommandName, Script } from '../script/index.js';
import { parseScript, ScriptError } from '../script/index.js';
import type { CheckName, Scheduler, SimFailure } from '../sim/index.js';
import { PCT_DEPTH, PctScheduler, RandomScheduler, ReplayScheduler, Simulation } from '../sim/index.js';

/** How a trial schedules its tasks: a schedule to replay, or a seeded random or PCT scheduler. */
export type TrialSched = { readonly replay: readonly string[] } | { readonly random: number } | { readonly pct: number };

/** What one trial of a script gave: its failure (if any), the schedule it ran, the commands run. */
export interface Trial {
  readonly failure: SimFailure | undefined;
  /** The command kind of the failing line (`fpunch`, `pread`, ...). */
  readonly failedCmd: CommandName | undefined;
  /** A script with tasks: the task of every step run; undefined without tasks. */
  readonly schedule: readonly string[] | undefined;
  /** A script with tasks: the command (its index `i`) each step advanced. */
  readonly scheduleOps: readonly number[] | undefined;
  /** The commands (their index `i`) that ran to their end, in the order they ended. */
  readonly ended: readonly number[];
  /** Commands that ran to their end. */
  readonly ops: number;
}

/** What a shrink keeps failing: the same check on the same command kind. */
export interface FailureKind {
  readonly check: CheckName;
  readonly cmd: CommandName;
}

/** The scheduler of `s`, for a script whose task lines are `script`'s prefixed ones. */
function schedulerOf(s: TrialSched, script: Script): Scheduler {
  if ('replay' in s) return new ReplayScheduler(s.replay);
  if ('random' in s) return new RandomScheduler(s.random);
  const tasked = script.lines.filter((l) => l.task !== undefined);
  // As `run --sched pct` estimates a run's steps: 8 per task command.
  return new PctScheduler(s.pct, PCT_DEPTH, [...new Set(tasked.map((l) => l.task!))].sort(), 8 * tasked.length);
}

/**
 * Run script `text` on the model with the oracle on, in memory (nothing recorded), under bug
 * switches `bugs` and schedule `sched` (default: what `foliolog run` does without flags, the
 * random scheduler with seed 1), under `policy` (default `linux-6.18`).
 * @returns the trial, or undefined when `text` is not a valid script (a shrink step broke it).
 */
export function trial(text: string, file: string, bugs: readonly BugName[], sched: TrialSched = { random: 1 },
  policy?: PolicySpec): Trial | undefined {
  let script: Script;
  try {
    script = parseScript(text, file);
  } catch (e) {
    if (e instanceof ScriptError) return undefined;
    throw e;
  }
  const ended: number[] = [];
  const sim = new Simulation(script, {
    check: true, keepObservations: false, bugs, scheduler: schedulerOf(sched, script), onOutcome: (rec) => void ended.push(rec.i),
    ...(policy === undefined ? {} : { policy }),
  });
  while (sim.step());
  const r = sim.result();
  const failedCmd = r.failure === undefined ? undefined : script.lines.find((l) => l.line === r.failure!.line)?.command.cmd;
  return { failure: r.failure, failedCmd, schedule: r.schedule, scheduleOps: r.scheduleOps, ended, ops: sim.ops };
}

/** Whether `t` failed as `kind` says: the same check, on the same command kind. Pure. */
export function failsAs(t: Trial | undefined, kind: FailureKind): boolean {
  return t?.failure?.kind === 'check' && t.failure.check === kind.check && t.failedCmd === kind.cmd;
}
