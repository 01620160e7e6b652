import type { OpResult, ReadResult, Shmem, Steps, TaskState, Wait } from '../model/index.js';
import { isWait } from '../model/index.js';
import type { Command, ScriptLine } from '../script/index.js';
import { dispatch } from './run.js';
import type { Scheduler } from './scheduler.js';

/** A command line of a task, with its index `i` in script order. */
export interface TaskLine {
  readonly i: number;
  readonly line: ScriptLine;
}

/** A command of a task that has started and not finished. */
interface InFlight extends TaskLine {
  /** The steppable operation; undefined for an atomic command (it runs in one step). */
  readonly steps: Steps<OpResult> | undefined;
  /** The wait it sleeps in, until ready. */
  wait: Wait | undefined;
  /** Counter changes of its own steps (`Stats.accumulate`). */
  readonly stats: number[];
  /** Whether another task's command was in flight during one of its steps. */
  concurrent: boolean;
}

/** A task: its model state, its lines in script order, and the command in flight. */
interface Task {
  readonly name: string;
  readonly state: TaskState;
  readonly lines: readonly TaskLine[];
  next: number;
  flight: InFlight | undefined;
}

/** What one step did: the task that stepped and, when its command ended, the command's outcome. */
export interface TaskStep {
  readonly task: string;
  readonly i: number;
  readonly line: ScriptLine;
  readonly done?: {
    readonly result: { result: OpResult; data?: ReadResult['data'] };
    readonly stats: readonly number[];
    readonly concurrent: boolean;
  };
}

/** The steppable form of a command, for the commands that race (issue 9); undefined for atomic ones. */
function stepsOf(model: Shmem, c: Command): Steps<OpResult> | undefined {
  switch (c.cmd) {
    case 'fpunch': return model.fpunchSteps(c.pos, c.len);
    case 'mread': return model.touchSteps(c.range);
    case 'mwrite': return model.touchSteps(c.range, c.byte);
    case 'madvise': return c.advice === 'remove' ? model.madviseRemoveSteps(c.range) : undefined;
    default: return undefined;
  }
}

/**
 * The concurrent part of a script: tasks `[A]`, `[B]`, ... each starting from a copy of the
 * task state the setup left, stepped one step at a time by a scheduler. A punch or a fault
 * (`fpunch`, `madvise -R`, `mread`, `mwrite`) advances to its next yield point per step; every
 * other command runs whole in one step, and only while no other task has a command in flight
 * (write, fallocate and truncate hold the inode lock; the rest are atomic too). A punch starts
 * only while no other punch is in flight (shmem_fallocate() holds the inode lock).
 */
export class TaskSet {
  readonly #model: Shmem;
  readonly #tasks: Task[];
  readonly #scheduler: Scheduler;
  /** The task picked at each step so far: the run's schedule. */
  readonly schedule: string[] = [];
  /** The command (its index `i`) each step of `schedule` advanced. */
  readonly scheduleOps: number[] = [];

  /** `lines`: the prefixed lines of the script, in order. The model's current task is the setup's. */
  constructor(model: Shmem, lines: readonly TaskLine[], scheduler: Scheduler) {
    this.#model = model;
    this.#scheduler = scheduler;
    // From here on, punches stop at their yield points (faults always do, through their steps).
    model.stepping = true;
    const names = [...new Set(lines.map((l) => l.line.task!))].sort();
    this.#tasks = names.map((name) => ({
      name, state: model.forkTask(), lines: lines.filter((l) => l.line.task === name), next: 0, flight: undefined,
    }));
  }

  /** The task names, in name order. */
  get names(): string[] {
    return this.#tasks.map((t) => t.name);
  }

  /** True while some task has a command in flight (started, not ended). */
  get busy(): boolean {
    return this.#tasks.some((t) => t.flight !== undefined);
  }

  /** True once every task ran every line. */
  get done(): boolean {
    return this.#tasks.every((t) => t.flight === undefined && t.next === t.lines.length);
  }

  /** Tasks that can take a step now, in name order. */
  runnable(): string[] {
    return this.#tasks.filter((t) => this.#canRun(t)).map((t) => t.name);
  }

  #canRun(t: Task): boolean {
    const f = t.flight;
    if (f) return f.wait === undefined || f.wait.ready();
    const next = t.lines[t.next];
    if (next === undefined) return false;
    const others = this.#tasks.filter((o) => o !== t && o.flight !== undefined);
    const c = next.line.command;
    if (c.cmd === 'mread' || c.cmd === 'mwrite') return true;
    if (c.cmd === 'fpunch' || (c.cmd === 'madvise' && c.advice === 'remove')) {
      return others.every((o) => !isPunch(o.flight!.line.command));
    }
    return others.length === 0;
  }

  /**
   * Let the scheduler pick a runnable task and step it once: start its next command, or take
   * its command in flight to its next yield point or wait, or to its end.
   * @returns what the step did; undefined when no task can run (deadlock, or nothing left).
   */
  step(before: (i: number) => void): TaskStep | undefined {
    const runnable = this.runnable();
    if (runnable.length === 0) return undefined;
    const name = this.#scheduler.pick(runnable, this.schedule.length);
    this.schedule.push(name);
    const t = this.#tasks.find((x) => x.name === name)!;
    const model = this.#model;
    model.switchTask(t.state);
    if (!t.flight) {
      const tl = t.lines[t.next++]!;
      t.flight = { ...tl, steps: stepsOf(model, tl.line.command), wait: undefined, stats: model.stats.snapshot().map(() => 0), concurrent: false };
    }
    const f = t.flight;
    this.scheduleOps.push(f.i);
    before(f.i);
    for (const o of this.#tasks) {
      if (o === t || o.flight === undefined) continue;
      o.flight.concurrent = true;
      f.concurrent = true;
    }
    const snap = model.stats.snapshot();
    let result: { result: OpResult; data?: ReadResult['data'] } | undefined;
    if (f.steps === undefined) result = dispatch(model, f.line.command);
    else {
      const r = f.steps.next();
      if (r.done === true) result = { result: r.value };
      else f.wait = isWait(r.value) && !r.value.ready() ? r.value : undefined;
    }
    // The policy's periodic work (zeropage-scan:every=N) belongs to the command that ended.
    if (result !== undefined) model.commandEnded();
    model.stats.accumulate(snap, f.stats);
    if (result === undefined) return { task: name, i: f.i, line: f.line };
    t.flight = undefined;
    return { task: name, i: f.i, line: f.line, done: { result, stats: f.stats, concurrent: f.concurrent } };
  }
}

function isPunch(c: Command): boolean {
  return c.cmd === 'fpunch' || (c.cmd === 'madvise' && c.advice === 'remove');
}
