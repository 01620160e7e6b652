import { parseSchedule, ScriptError } from '../script/index.js';
import type { Scheduler } from '../sim/index.js';
import { PCT_DEPTH, PctScheduler, RandomScheduler, ReplayScheduler } from '../sim/index.js';
import { CliError } from './errors.js';
import { readScriptFile } from './io.js';

/** What `run` was told about scheduling: `--seed`, `--sched`, `--schedule`. */
export interface ScheduleOptions {
  readonly seed: number;
  readonly sched: string;
  readonly schedule?: string;
}

/**
 * The scheduler of a run with tasks `tasks` and `ops` task commands: a replay of `--schedule
 * FILE`, else `--sched random` (the default) or `--sched pct[:DEPTH]`, seeded with `--seed`.
 * PCT draws its change points among an estimate of the steps: 8 per command.
 * @throws CliError (exit 2): an unknown `--sched`, a schedule file that cannot be read or
 *   holds a line that is not a task name (`FILE:LINE`).
 */
export function schedulerFor(o: ScheduleOptions, tasks: readonly string[], ops: number): Scheduler {
  if (o.schedule !== undefined) {
    try {
      return new ReplayScheduler(parseSchedule(readScriptFile(o.schedule), o.schedule));
    } catch (e) {
      if (e instanceof ScriptError) throw new CliError(e.message, { cause: e });
      throw e;
    }
  }
  const m = /^(random|pct)(?::([1-9]\d{0,2}))?$/.exec(o.sched);
  if (m === null || (m[1] === 'random' && m[2] !== undefined)) throw new CliError(`--sched: not random or pct[:DEPTH]: ${o.sched}`);
  if (m[1] === 'random') return new RandomScheduler(o.seed);
  return new PctScheduler(o.seed, m[2] === undefined ? PCT_DEPTH : Number(m[2]), tasks, 8 * ops);
}
