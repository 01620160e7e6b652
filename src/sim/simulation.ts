import { type FolioWalk, InvariantError, type KernelVariant, Shmem, UnsupportedError } from '../model/index.js';
import type { Observation, Script, ScriptLine } from '../script/index.js';
import { DecisionLog } from './decision-log.js';
import { EventLog } from './event-log.js';
import { Oracle, OracleError } from './oracle.js';
import { unwrittenData } from './holes-as-data.js';
import type { OperationFacts, OperationRecord, RunRecorder } from './recorder.js';
import { dispatch, observe, operationRecord } from './run.js';

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
  /** One line, prefixed `FILE:LINE: `. */
  readonly message: string;
}

/** What a run produced: `Simulation.result()`, or `simulate`. */
export interface SimResult {
  /** Every observation, unless `keepObservations` was false (then none: they were streamed). */
  readonly observations: readonly Observation[];
  readonly events: number;
  readonly failure: SimFailure | undefined;
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
  readonly #oracle = new Oracle();
  readonly #observations: Observation[] = [];
  #next = 0;
  #ops = 0;
  #failure: SimFailure | undefined;

  constructor(script: Script | SimScript, opts: SimOptions = {}) {
    this.#file = script.file;
    this.#lines = script.lines[Symbol.iterator]();
    this.#nextLine = this.#read();
    this.#opts = opts;
    // The oracle holds the event log's replayed folios against the page cache; nobody else does.
    this.#log = new EventLog(opts.recorder, opts.check !== false);
    const recorder = opts.recorder;
    this.#decisions = recorder?.explanation ? new DecisionLog((row) => recorder.explanation!(row)) : undefined;
    this.#model = new Shmem(this.#log, this.#decisions, opts.variant);
  }

  /** Commands run and recorded so far. */
  get ops(): number {
    return this.#ops;
  }

  /** True once every command ran or one failed: `step()` does nothing more. */
  get done(): boolean {
    return this.#failure !== undefined || this.#nextLine === undefined;
  }

  /**
   * Run, record and check the next command.
   * @returns true while commands remain to run; false once the script ended or a command failed.
   */
  step(): boolean {
    if (this.done) return false;
    const i = this.#next++;
    const line = this.#nextLine!;
    this.#nextLine = this.#read();
    const model = this.#model;
    const log = this.#log;
    log.i = i;
    if (this.#decisions) this.#decisions.i = i;
    const before = model.stats.snapshot();
    const opts = this.#opts;
    const check = opts.check !== false;
    let rec: OperationRecord;
    let obs: Observation | undefined;
    let facts: OperationFacts;
    try {
      const r = dispatch(model, line.command);
      rec = operationRecord(model, line, i, r, before);
      // Listing the page cache costs its size: only for whoever reads the list (not the oracle).
      if (opts.keepObservations !== false || opts.onObservation) obs = observe(model, rec);
      const unwritten = unwrittenData(model, line.command, r.result);
      const layout = model.layoutDigest();
      facts = unwritten === undefined ? { layout } : { layout, unwrittenData: unwritten };
    } catch (e) {
      if (e instanceof UnsupportedError) return this.#fail('unsupported', line.line, `not supported yet: ${e.message}`);
      if (e instanceof InvariantError) return this.#fail('check', line.line, `invariant: ${e.message}`);
      throw e;
    }
    this.#ops++;
    if (obs && opts.keepObservations !== false) this.#observations.push(obs);
    this.#decisions?.flush();
    opts.recorder?.operation(obs ?? rec, line.task, model.currentFile?.id ?? null, log.seq, facts);
    if (obs) opts.onObservation?.(obs);
    opts.onOutcome?.(obs ?? rec, model.walkFolios());
    if (check) {
      try {
        this.#oracle.check(model, log, line.command, obs ?? rec);
      } catch (e) {
        if (e instanceof OracleError || e instanceof InvariantError) return this.#fail('check', line.line, `check failed: ${e.message}`);
        throw e;
      }
    }
    return !this.done;
  }

  /** What the run produced so far (all of it once `done`). */
  result(): SimResult {
    return { observations: this.#observations, events: this.#log.seq, failure: this.#failure };
  }

  #fail(kind: SimFailure['kind'], line: number, msg: string): false {
    this.#failure = { kind, line, message: `${this.#file}:${line}: ${msg}` };
    return false;
  }

  #read(): ScriptLine | undefined {
    const r = this.#lines.next();
    return r.done === true ? undefined : r.value;
  }
}
