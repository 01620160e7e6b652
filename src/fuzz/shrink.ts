import type { BugName, PolicySpec } from '../model/index.js';
import { HPAGE_PMD_NR, PAGE_SIZE } from '../model/index.js';
import type { ByteRange, Command } from '../script/index.js';
import { formatCommand, parseLine } from '../script/index.js';
import { shrinkLines } from './delta.js';
import type { FailureKind, Trial, TrialSched } from './trial.js';
import { failsAs, trial } from './trial.js';

/** A failing script and how to make it fail: its command lines and the schedule it needs. */
export interface Repro {
  /** Command lines (no comments, no blank lines), `[T] ` prefixes included. */
  readonly lines: readonly string[];
  /**
   * The schedule to replay (one task name a step); undefined when the script fails as
   * `foliolog run` runs it without `--schedule` (no tasks, or any interleaving of seed 1 does).
   */
  readonly schedule: readonly string[] | undefined;
}

/** What `shrinkRepro` found: the smallest repro, the trial that shows it fails, and its cost. */
export interface Shrunk extends Repro {
  readonly trial: Trial;
  /** Reproducer size before and after (`reproSize`). */
  readonly before: number;
  readonly after: number;
  /** Trials run. */
  readonly trials: number;
}

/** Schedules a shrink step tries when the kept one no longer fails: the default run's, then a few more. */
const RESCHEDULE: readonly TrialSched[] = [{ random: 1 }, { random: 2 }, { random: 3 }, { pct: 1 }];

/** Commands that set the stage rather than act: not counted in a reproducer's size. */
const STAGE = new Set(['mount', 'remount', 'thp', 'open', 'unlink']);

/** The command word of a line, past its `[T]` prefix. Pure. */
function word(line: string): string {
  return line.replace(/^\s*\[[A-Z]\]\s*/, '').trimStart().split(/\s+/, 1)[0]!;
}

/**
 * A reproducer's size: its command lines except `mount`, `remount`, `thp`, `open` and
 * `unlink` (issue 9). Pure.
 */
export function reproSize(lines: readonly string[]): number {
  return lines.filter((l) => !STAGE.has(word(l))).length;
}

/** The task prefix of a line, or undefined. Pure. */
function taskOf(line: string): string | undefined {
  return /^\s*\[([A-Z])\]/.exec(line)?.[1];
}

/** `line` with its prefix set to `task` (none when undefined). Pure. */
function withTask(line: string, task: string | undefined): string {
  const bare = line.replace(/^\s*\[[A-Z]\]\s*/, '');
  return task === undefined ? bare : `[${task}] ${bare}`;
}

/** Smaller values to try for a byte offset or length `v`, smallest first (`min` the least allowed). Pure. */
function smaller(v: bigint, min: bigint): bigint[] {
  const out = new Set<bigint>();
  const page = BigInt(PAGE_SIZE);
  const pmd = page * BigInt(HPAGE_PMD_NR);
  for (const c of [min, page, v / 2n / page * page, v / pmd * pmd, v / (16n * page) * (16n * page), v / page * page]) {
    if (c >= min && c < v) out.add(c);
  }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Each simpler version of one numeric field of `c`: a function from a value to the new command. */
function fields(c: Command): Array<{ value: bigint; min: bigint; with: (v: bigint) => Command }> {
  const onRange = (r: ByteRange | undefined, put: (r: ByteRange) => Command) => r === undefined ? [] : [
    { value: r.pos, min: 0n, with: (v: bigint) => put({ pos: v, len: r.len }) },
    { value: r.len, min: 1n, with: (v: bigint) => put({ pos: r.pos, len: v }) },
  ];
  switch (c.cmd) {
    case 'pwrite': case 'pread': case 'falloc': case 'fpunch': case 'fzero':
      return [
        { value: c.pos, min: 0n, with: (v) => ({ ...c, pos: v }) },
        { value: c.len, min: 1n, with: (v) => ({ ...c, len: v }) },
      ];
    case 'truncate': return [{ value: c.size, min: 0n, with: (v) => ({ ...c, size: v }) }];
    case 'seek': return c.offset < 0n ? [] : [{ value: c.offset, min: 0n, with: (v) => ({ ...c, offset: v }) }];
    case 'mread': case 'mwrite': case 'madvise': case 'pin': case 'unpin': case 'mmap':
      return onRange(c.range, (range) => ({ ...c, range }));
    default: return [];
  }
}

/** A command line being shrunk: its text and an identity kept through every rewrite. */
interface Line {
  readonly id: number;
  readonly text: string;
}

/** One step of a recorded schedule: the task that stepped and the line it advanced. */
interface Step {
  readonly task: string;
  readonly line: number;
}

/**
 * Shrink a failing script while it keeps failing as `kind` (the same check on the same command
 * kind), as delta debugging does: remove commands (trailing first, then one by one, then chunks),
 * merge tasks (and drop the prefixes once one task is left), simplify arguments (smaller
 * offsets and lengths, rounded to the sizes folios come in), remove commands again, then the
 * schedule: none at all when `foliolog run`'s default one fails too, else the fewest steps
 * named. The interleaving is kept as which line each step advanced, so that removing a line
 * removes its steps and leaves the others' order as it was; when that no longer fails, a few
 * other schedules are tried. Every step re-runs the script on the model; `budget` bounds the
 * trials. Deterministic in its inputs.
 * @param sched - how the failing run was scheduled (a schedule to replay, or a seeded scheduler)
 *
 * ### Example
 * ```ts
 * const s = await shrinkRepro(lines, { random: 11 }, ['fault-during-punch'], { check: 'punch-empties-range', cmd: 'fpunch' })
 * ```
 */
export async function shrinkRepro(lines: readonly string[], sched: TrialSched, bugs: readonly BugName[], kind: FailureKind,
  file = 'shrink.fl', budget = 3000, policy?: PolicySpec): Promise<Shrunk> {
  let trials = 0;
  const run = (ls: readonly Line[], s: TrialSched): Trial | undefined => {
    trials++;
    return trial(`${ls.map((l) => l.text).join('\n')}\n`, file, bugs, s, policy);
  };
  /** The steps `t` ran over `ls`, each naming its line by identity. */
  const stepsOf = (t: Trial, ls: readonly Line[]): Step[] | undefined =>
    t.schedule?.map((task, k) => ({ task, line: ls[t.scheduleOps![k]!]!.id }));
  const start = lines.map((text, id) => ({ id, text }));
  const first = run(start, sched);
  if (!failsAs(first, kind)) throw new Error(`the script does not fail as ${kind.check} on ${kind.cmd}`);
  let steps = stepsOf(first!, start);
  /** The kept interleaving over `ls`: the steps of lines still there, named by their task now. */
  const replayOver = (ls: readonly Line[]): TrialSched => {
    const task = new Map(ls.map((l) => [l.id, taskOf(l.text)]));
    return { replay: (steps ?? []).filter((s) => task.get(s.line) !== undefined).map((s) => task.get(s.line)!) };
  };
  /** The lines of the last failing trial that ran to their end, in the order they ended. */
  let ended: readonly Line[] = first!.ended.map((i) => start[i]!);
  const fails = (ls: readonly Line[]): boolean => {
    for (const s of [replayOver(ls), ...RESCHEDULE]) {
      if (trials >= budget) return false;
      const t = run(ls, s);
      if (failsAs(t, kind)) {
        steps = stepsOf(t!, ls);
        ended = t!.ended.map((i) => ls[i]!);
        return true;
      }
    }
    return false;
  };
  let cur: readonly Line[] = await shrinkLines(start, async (ls) => fails(ls), budget);
  // No tasks at all, the commands in the order they ended, when the failure needs no interleaving.
  const sequential = ended.map((l) => ({ id: l.id, text: withTask(l.text, undefined) }));
  if (cur.some((l) => taskOf(l.text) !== undefined) && fails(sequential)) cur = sequential;
  cur = mergeTasks(cur, fails);
  cur = simplifyArguments(cur, fails);
  cur = await shrinkLines(cur, async (ls) => fails(ls), budget);
  // The schedule: none when the default run fails too; else drop the steps it does not need.
  let schedule: readonly string[] | undefined;
  if (cur.some((l) => taskOf(l.text) !== undefined) && !failsAs(run(cur, { random: 1 }), kind)) {
    const kept = (replayOver(cur) as { replay: readonly string[] }).replay;
    schedule = await shrinkSchedule(kept, (s) => trials < budget && failsAs(run(cur, { replay: s }), kind));
  }
  const last = run(cur, schedule === undefined ? { random: 1 } : { replay: schedule });
  if (!failsAs(last, kind)) throw new Error('internal: the shrunk script stopped failing');
  const texts = cur.map((l) => l.text);
  return {
    lines: texts, schedule: schedule === undefined ? undefined : last!.schedule, trial: last!,
    before: reproSize(lines), after: reproSize(texts), trials,
  };
}

/**
 * The fewest steps of `schedule` that still fail: the shortest failing prefix by bisection
 * (past its end the replay runs the first runnable task), then chunks of it removed, as delta
 * debugging does (a long schedule is thousands of steps; one-by-one removal would cost a trial
 * each).
 */
async function shrinkSchedule(schedule: readonly string[], fails: (s: readonly string[]) => boolean): Promise<readonly string[]> {
  let [lo, hi] = [0, schedule.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fails(schedule.slice(0, mid))) hi = mid;
    else lo = mid + 1;
  }
  const prefix = fails(schedule.slice(0, hi)) ? schedule.slice(0, hi) : schedule;
  return shrinkLines(prefix, async (s) => fails(s), 300);
}

/**
 * Fewer tasks: move each task's lines to an earlier task while the script keeps failing; once
 * one task is left, try without prefixes (a plain sequential script).
 */
function mergeTasks(lines: readonly Line[], fails: (ls: readonly Line[]) => boolean): readonly Line[] {
  let cur = lines;
  const names = () => [...new Set(cur.map((l) => taskOf(l.text)).filter((t): t is string => t !== undefined))].sort();
  for (const t of names().reverse()) {
    for (const into of names()) {
      if (into >= t) break;
      const next = cur.map((l) => (taskOf(l.text) === t ? { id: l.id, text: withTask(l.text, into) } : l));
      if (fails(next)) { cur = next; break; }
    }
  }
  if (names().length === 1) {
    const next = cur.map((l) => ({ id: l.id, text: withTask(l.text, undefined) }));
    if (fails(next)) cur = next;
  }
  return cur;
}

/** Smaller offsets and lengths, field by field, each the smallest that keeps the failure. */
function simplifyArguments(lines: readonly Line[], fails: (ls: readonly Line[]) => boolean): readonly Line[] {
  const cur = [...lines];
  for (let k = 0; k < cur.length; k++) {
    for (let f = 0; ; f++) {
      const parsed = parseLine(cur[k]!.text, k + 1, 'shrink.fl');
      const field = parsed === undefined ? undefined : fields(parsed.command)[f];
      if (parsed === undefined || field === undefined) break;
      for (const v of smaller(field.value, field.min)) {
        const next = [...cur];
        next[k] = { id: cur[k]!.id, text: withTask(formatCommand(field.with(v)), parsed.task) };
        if (fails(next)) { cur[k] = next[k]!; break; }
      }
    }
  }
  return cur;
}
