import type { BugName, OpResult, PolicySpec, PolicyWork, ReadResult } from '../model/index.js';
import { type FolioWalk, InvariantError, type KernelVariant, Shmem, Stats, UnsupportedError } from '../model/index.js';
import type { Observation, Script, ScriptLine, StatsDelta } from '../script/index.js';
import { DecisionLog } from './decision-log.js';
import { EventLog } from './event-log.js';
import type { CheckName } from './oracle.js';
import { Oracle, OracleError } from './oracle.js';
import { unwrittenData } from './holes-as-data.js';
import type { OperationFacts, OperationRecord, RunRecorder } from './recorder.js';
import { dispatch, observe, operationRecord } from './run.js';
import type { Scheduler } from './scheduler.js';
import { RandomScheduler } from './scheduler.js';
import type { TaskLine, TaskStep } from './tasks.js';
import { TaskSet } from './tasks.js';

/**
 * What a simulation runs: a parsed `Script`, or lines made as they are needed (a seeded
 * program of millions of commands need not be held whole). Read once, in order.
 */
export interface SimScript {
  /** The file name for `FILE:LINE` messages. */
  readonly file: string;
  readonly lines: Iterable<ScriptLine>;
}

/** How a run stopped early. */
export interface SimFailure {
  /** `unsupported`: a line reached behaviour this build does not model; `check`: an oracle or invariant failed. */
  readonly kind: 'unsupported' | 'check';
  readonly line: number;
  /** The command's index `i`. */
  readonly i: number;
  /** A failed check: its name (oracle.ts `CheckName`). */
  readonly check?: CheckName;
  /** With tasks: the step (0-based) and the task that failed it. */
  readonly step?: number;
  readonly task?: string;
  /** One line, prefixed `FILE:LINE: `. */
  readonly message: string;
}

/** What a run produced: `Simulation.result()`, or `simulate`. */
export interface SimResult {
  /** Every observation, unless `keepObservations` was false (then none: they were streamed). */
  readonly observations: readonly Observation[];
  readonly events: number;
  readonly failure: SimFailure | undefined;
  /** A script with tasks: the task picked at each step (the run's schedule); else undefined. */
  readonly schedule: readonly string[] | undefined;
  /** A script with tasks: the command (its index `i`) each step of `schedule` advanced. */
  readonly scheduleOps: readonly number[] | undefined;
  /** The policy the run followed, as `runs.policy` records it (`formatPolicy`). */
  readonly policy: string;
}

/** Options of a simulated run. */
export interface SimOptions {
  /** Check the oracle after every command (default true). */
  readonly check?: boolean;
  readonly recorder?: RunRecorder;
  /** Called with each observation as soon as it exists (streaming output). */
  readonly onObservation?: (obs: Observation) => void;
  /**
   * Called with each command's outcome as soon as it exists, and its page cache to walk rather
   * than a list of it: for a reader that shows only the start of the layout (a table row), so
   * that a page cache of millions of folios is not listed after every command.
   */
  readonly onOutcome?: (rec: OperationRecord, folios: FolioWalk) => void;
  /**
   * Keep every observation for `result()` (default true). A caller that streams them says
   * false: each lists the whole page cache, so keeping them costs memory in the run's length.
   * A run that neither keeps, nor streams, nor checks its observations never lists its page
   * cache: the recorder takes the layout digest the model keeps as it goes.
   */
  readonly keepObservations?: boolean;
  /** Answer as that kernel build does where builds differ (default: `MODELLED_RELEASE`). */
  readonly variant?: KernelVariant;
  /** Bug switches to put back in the model (issue 9); none by default. */
  readonly bugs?: readonly BugName[];
  /**
   * Record the what-if lab's metrics with each command (`OperationFacts.noData`: pages resident
   * holding no written byte; `OperationFacts.work`: what the policy's own work cost); off by
   * default, since counting no-data pages costs O(byte runs) a command.
   */
  readonly metrics?: boolean;
  /**
   * The what-if policy (default `linux-6.18`); a switch that needs one adds it
   * (`fault-clears-partial`: `per-block`). `SimResult.policy` says which the run followed.
   */
  readonly policy?: PolicySpec;
  /** Picks the task of each step of a script with tasks (default: random, seed 1). */
  readonly scheduler?: Scheduler;
}

const NO_WORK: PolicyWork = { splitRetries: 0, pagesScanned: 0, bytesCompared: 0, zerosHoled: 0, metadataBytes: 0 };

/** One command's share of the policy's work: counters since `before`, the metadata held after it. Pure. */
function workDelta(now: PolicyWork, before: PolicyWork): PolicyWork {
  return {
    splitRetries: now.splitRetries - before.splitRetries,
    pagesScanned: now.pagesScanned - before.pagesScanned,
    bytesCompared: now.bytesCompared - before.bytesCompared,
    zerosHoled: now.zerosHoled - before.zerosHoled,
    metadataBytes: now.metadataBytes,
  };
}

/**
 * A simulated run that advances one command at a time, so that a driver can stop it at a
 * command boundary (the CLI does, on SIGINT/SIGTERM). Each `step()` runs the next command over
 * the model (Linux 6.18 huge settings), records it and checks the oracle; `simulate` steps it to
 * the end. When the recorder takes explanations, the model's decisions go to it too (they are
 * not events: the event log is the same with or without them). Deterministic: the same script gives the same events and observations however the
 * steps are spread over time. The caller refuses scripts with unsupported lines first
 * (`firstUnsupportedLine`).
 *
 * ### Example
 * ```ts
 * const sim = new Simulation(script, { recorder })
 * while (!stopRequested && sim.step()) {}
 * const { observations, failure } = sim.result()
 * ```
 */
export class Simulation {
  readonly #file: string;
  readonly #lines: Iterator<ScriptLine>;
  /** The line the next `step()` runs; undefined once the script is exhausted. */
  #nextLine: ScriptLine | undefined;
  readonly #opts: SimOptions;
  readonly #log: EventLog;
  /** Only when the recorder takes explanations: the model reports no decisions otherwise. */
  readonly #decisions: DecisionLog | undefined;
  readonly #model: Shmem;
  /** The policy's work counted up to the previous command (metrics runs). */
  #work: PolicyWork = NO_WORK;
  readonly #oracle = new Oracle();
  readonly #observations: Observation[] = [];
  #next = 0;
  #ops = 0;
  #failure: SimFailure | undefined;
  /** The prefixed lines of a script with tasks, until the setup ends; then `#tasks` runs them. */
  readonly #taskLines: readonly TaskLine[];
  #tasks: TaskSet | undefined;

  constructor(script: Script | SimScript, opts: SimOptions = {}) {
    this.#file = script.file;
    const all = script.lines;
    // Tasks need the whole script (a parsed Script); the setup lines come first (parseScript).
    const split = Array.isArray(all) ? (all as readonly ScriptLine[]).findIndex((l) => l.task !== undefined) : -1;
    const setup = split < 0 ? all : (all as readonly ScriptLine[]).slice(0, split);
    this.#taskLines = split < 0 ? [] : (all as readonly ScriptLine[]).slice(split).map((line, k) => ({ i: split + k, line }));
    this.#lines = setup[Symbol.iterator]();
    this.#nextLine = this.#read();
    this.#opts = opts;
    // The oracle holds the event log's replayed folios against the page cache; nobody else does.
    this.#log = new EventLog(opts.recorder, opts.check !== false);
    const recorder = opts.recorder;
    // Divergence from single-task runs: explanations are numbered per command as it runs
    // (DecisionLog), which interleaved commands would break; a run with tasks records none.
    const explain = recorder?.explanation !== undefined && split < 0;
    this.#decisions = explain ? new DecisionLog((row) => recorder.explanation!(row)) : undefined;
    this.#model = new Shmem(this.#log, this.#decisions, opts.variant, opts.bugs ?? [], opts.policy);
  }

  /** The model the run drives, to read (not to change) between steps. */
  get model(): Shmem {
    return this.#model;
  }

  /** Commands run and recorded so far. */
  get ops(): number {
    return this.#ops;
  }

  /** True once every command ran or one failed: `step()` does nothing more. */
  get done(): boolean {
    if (this.#failure !== undefined) return true;
    if (this.#nextLine !== undefined) return false;
    return this.#taskLines.length === 0 || (this.#tasks !== undefined && this.#tasks.done);
  }

  /**
   * Run, record and check the next command.
   * @returns true while commands remain to run; false once the script ended or a command failed.
   */
  step(): boolean {
    if (this.done) return false;
    if (this.#nextLine === undefined) return this.#stepTasks();
    const i = this.#next++;
    const line = this.#nextLine;
    this.#nextLine = this.#read();
    const model = this.#model;
    this.#log.i = i;
    if (this.#decisions) this.#decisions.i = i;
    const before = model.stats.snapshot();
    let r: ReturnType<typeof dispatch>;
    try {
      r = dispatch(model, line.command);
      // The policy's periodic work (zeropage-scan:every=N) belongs to the command that ended.
      model.commandEnded();
    } catch (e) {
      return this.#caught(e, line, i);
    }
    return this.#finish(line, i, r, () => model.stats.delta(before), false);
  }

  /** One step of the tasks (the first one forks them from the setup's task state). */
  #stepTasks(): boolean {
    const model = this.#model;
    this.#tasks ??= new TaskSet(model, this.#taskLines, this.#opts.scheduler ?? new RandomScheduler(1));
    const tasks = this.#tasks;
    let s: TaskStep | undefined;
    try {
      s = tasks.step((i) => {
        this.#log.i = i;
      });
      if (s === undefined) throw new InvariantError('no task can run: the tasks deadlocked');
      if (this.#opts.check !== false && !s.done) model.checkInvariants(false);
    } catch (e) {
      const last = this.#taskLines.find((l) => l.i === s?.i) ?? this.#taskLines[0]!;
      return this.#caught(e, last.line, last.i);
    }
    if (!s.done) return true;
    const { result, stats, concurrent } = s.done;
    return this.#finish(s.line, s.i, result, () => Stats.keyed(stats), concurrent);
  }

  /** Record, print and check a command that ended with `r`. */
  #finish(line: ScriptLine, i: number, r: { result: OpResult; data?: ReadResult['data'] }, stats: () => StatsDelta,
    concurrent: boolean): boolean {
    const model = this.#model;
    const log = this.#log;
    const opts = this.#opts;
    const check = opts.check !== false;
    let rec: OperationRecord;
    let obs: Observation | undefined;
    let facts: OperationFacts;
    try {
      rec = operationRecord(model, line, i, r, stats());
      // Listing the page cache costs its size: only for whoever reads the list (not the oracle).
      if (opts.keepObservations !== false || opts.onObservation) obs = observe(model, rec);
      const unwritten = unwrittenData(model, line.command, r.result);
      const layout = model.layoutDigest();
      // The lab's no-data pages: O(files + byte runs), for the runs that ask (compare, run --metrics).
      let base: OperationFacts = { layout };
      if (opts.metrics === true) {
        const work = model.policy.work();
        base = { layout, noData: model.noDataPages(), work: workDelta(work, this.#work) };
        this.#work = work;
      }
      facts = unwritten === undefined ? base : { ...base, unwrittenData: unwritten };
    } catch (e) {
      return this.#caught(e, line, i);
    }
    this.#ops++;
    if (obs && opts.keepObservations !== false) this.#observations.push(obs);
    this.#decisions?.flush();
    opts.recorder?.operation(obs ?? rec, line.task, model.currentFile?.id ?? null, log.seq, facts);
    if (obs) opts.onObservation?.(obs);
    opts.onOutcome?.(obs ?? rec, model.walkFolios());
    if (check) {
      try {
        this.#oracle.check(model, log, line.command, obs ?? rec, line.task, concurrent, this.#tasks?.busy !== true);
      } catch (e) {
        if (e instanceof OracleError) return this.#fail('check', line, i, `check ${e.check} failed: ${e.message}`, e.check);
        if (e instanceof InvariantError) return this.#fail('check', line, i, `check invariants failed: ${e.message}`, 'invariants');
        throw e;
      }
    }
    return !this.done;
  }

  /** A model error while `line` ran: a failed run, or rethrown when it is not one. */
  #caught(e: unknown, line: ScriptLine, i: number): false {
    if (e instanceof UnsupportedError) return this.#fail('unsupported', line, i, `not supported yet: ${e.message}`);
    if (e instanceof InvariantError) return this.#fail('check', line, i, `invariant: ${e.message}`, 'invariants');
    throw e;
  }

  /** What the run produced so far (all of it once `done`). */
  result(): SimResult {
    const tasked = this.#taskLines.length > 0;
    const schedule = tasked ? this.#tasks?.schedule ?? [] : undefined;
    const scheduleOps = tasked ? this.#tasks?.scheduleOps ?? [] : undefined;
    return { observations: this.#observations, events: this.#log.seq, failure: this.#failure, schedule, scheduleOps, policy: this.#model.policy.spec };
  }

  #fail(kind: SimFailure['kind'], line: ScriptLine, i: number, msg: string, check?: CheckName): false {
    const tasks = this.#tasks;
    const named = check === undefined ? {} : { check };
    if (line.task === undefined || tasks === undefined) {
      this.#failure = { kind, line: line.line, i, ...named, message: `${this.#file}:${line.line}: ${msg}` };
      return false;
    }
    const step = tasks.schedule.length - 1;
    const where = `step ${step}, task ${line.task}`;
    this.#failure = { kind, line: line.line, i, ...named, step, task: line.task, message: `${this.#file}:${line.line}: ${where}: ${msg}` };
    return false;
  }

  #read(): ScriptLine | undefined {
    const r = this.#lines.next();
    return r.done === true ? undefined : r.value;
  }
}
