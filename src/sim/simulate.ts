import { InvariantError, Shmem, UnsupportedError } from '../model/index.js';
import type { Observation, Script } from '../script/index.js';
import { parseScript } from '../script/index.js';
import { EventLog } from './event-log.js';
import { Oracle, OracleError } from './oracle.js';
import type { RunRecorder } from './recorder.js';
import { dispatch, observe } from './run.js';
import { firstUnsupportedLine } from './support.js';

/** How a run stopped early. */
export interface SimFailure {
  /** `unsupported`: a line reached behaviour this build does not model; `check`: an oracle or invariant failed. */
  readonly kind: 'unsupported' | 'check';
  readonly line: number;
  /** One line, prefixed `FILE:LINE: `. */
  readonly message: string;
}

/** What `simulate` returns. */
export interface SimResult {
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
}

/**
 * Run a parsed script over the model (Linux 6.18 huge settings), command by command, checking
 * the oracle after each one. Deterministic: the same script gives the same events and
 * observations. The caller refuses scripts with unsupported lines first (`firstUnsupportedLine`).
 */
export function simulate(script: Script, opts: SimOptions = {}): SimResult {
  const log = new EventLog(opts.recorder);
  const model = new Shmem(log);
  const oracle = new Oracle();
  const observations: Observation[] = [];
  const fail = (kind: SimFailure['kind'], line: number, msg: string): SimResult =>
    ({ observations, events: log.seq, failure: { kind, line, message: `${script.file}:${line}: ${msg}` } });
  for (const [i, line] of script.lines.entries()) {
    log.i = i;
    const before = model.stats.snapshot();
    let obs: Observation;
    try {
      obs = observe(model, line, i, dispatch(model, line.command), before);
    } catch (e) {
      if (e instanceof UnsupportedError) return fail('unsupported', line.line, `not supported yet: ${e.message}`);
      if (e instanceof InvariantError) return fail('check', line.line, `invariant: ${e.message}`);
      throw e;
    }
    observations.push(obs);
    opts.recorder?.operation(obs, line.task, model.currentFile?.id ?? null, log.seq);
    opts.onObservation?.(obs);
    if (opts.check === false) continue;
    try {
      oracle.check(model, log, line.command, obs);
    } catch (e) {
      if (e instanceof OracleError || e instanceof InvariantError) return fail('check', line.line, `check failed: ${e.message}`);
      throw e;
    }
  }
  return { observations, events: log.seq, failure: undefined };
}

/**
 * Parse and simulate script text; throws on a script error, an unsupported line or a failed
 * check. Meant for tests and examples.
 * @returns the §2 observations, one per command line.
 */
export function simulateText(text: string, opts: { readonly file?: string; readonly check?: boolean } = {}): Observation[] {
  const script = parseScript(text, opts.file ?? 'script.fl');
  const unsupported = firstUnsupportedLine(script);
  if (unsupported) throw new UnsupportedError(`${script.file}:${unsupported.line.line}: not supported yet: ${unsupported.what}`);
  const r = simulate(script, opts.check === undefined ? {} : { check: opts.check });
  if (r.failure) throw new (r.failure.kind === 'unsupported' ? UnsupportedError : InvariantError)(r.failure.message);
  return [...r.observations];
}
