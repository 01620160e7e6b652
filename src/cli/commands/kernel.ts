import type { KernelRun } from '../../probe/index.js';
import { checkKernelPreconditions, ProbeError, runOnKernel } from '../../probe/index.js';
import type { Observation, Script } from '../../script/index.js';
import { parseScript, ScriptError } from '../../script/index.js';
import { KernelInference } from '../../sim/index.js';
import { openStore, type RunProgress, type RunSummary } from '../../store/index.js';
import { NO_PROGRESS, type Progress } from '../../report/index.js';
import { CliError } from '../errors.js';
import { interruptedStatus } from '../interrupt.js';
import type { CliEnv } from '../io.js';
import { interruptedLine, loadScript, observationPrinter, progressFor, recorderFor, runMeta, startLine, summaryLine } from '../recording.js';

/** Options of `foliolog kernel`. */
export interface KernelOptions {
  readonly db: string;
  readonly json: boolean;
}

/** What `runs.policy` holds for a kernel run: no what-if policy, the kernel itself. */
export const KERNEL_POLICY = 'kernel';

/** A script ready for the kernel: parsed, free of task prefixes, on a machine that can run it. */
interface Prepared {
  readonly name: string;
  readonly text: string;
  readonly script: Script;
  readonly release: string;
  readonly warnings: string[];
}

/** Refuse what the kernel cannot run; nothing is recorded on refusal. */
function prepare(name: string, text: string, script: Script): Prepared {
  const tasked = script.lines.find((l) => l.task !== undefined);
  if (tasked !== undefined) {
    throw new CliError(`${name}:${tasked.line}: task prefix [${tasked.task}]: a real kernel cannot follow a seeded schedule`);
  }
  const modelOnly = script.lines.find((l) => l.command.cmd === 'scan' || l.command.cmd === 'memory');
  if (modelOnly !== undefined) {
    const what = modelOnly.command.cmd === 'scan' ? 'a what-if policy\'s scanner' : 'memory pressure of the what-if lab';
    throw new CliError(`${name}:${modelOnly.line}: ${modelOnly.command.cmd} is model-only (${what}): the kernel cannot run it`);
  }
  const pre = checkKernelPreconditions();
  if (!pre.ok) throw new CliError(`kernel: ${pre.reason}`);
  return { name, text, script, release: pre.release, warnings: pre.warnings };
}

/** How a recording ended, for whoever reports it. */
type Ending =
  | { readonly status: 'complete'; readonly summary: RunSummary; readonly run: KernelRun }
  | { readonly status: 'incomplete'; readonly progress: RunProgress; readonly run: KernelRun | undefined };

/** Where a recording reports as it goes. */
interface Hooks {
  readonly now: () => Date;
  readonly stop: AbortSignal;
  readonly onStart: (runId: number) => void;
  readonly onObservation: (o: Observation) => void;
  /** A run that failed or was stopped by an error, before the error propagates. */
  readonly onError: (ending: { readonly failed: RunSummary } | { readonly interrupted: RunProgress }) => void;
}

/**
 * Run a prepared script on the kernel into a new run of the store at `db`: each observation is
 * inferred into events and recorded as it arrives, and none is kept in memory.
 */
async function record(p: Prepared, db: string, hooks: Hooks): Promise<Ending> {
  const store = await openStore(db, 'create');
  try {
    const writer = store.beginRun(runMeta({
      source: 'kernel', scriptName: p.name, scriptText: p.text, config: {}, seed: 0, policy: KERNEL_POLICY,
      kernelRelease: p.release,
    }), { now: hooks.now });
    hooks.onStart(writer.runId);
    const infer = new KernelInference(recorderFor(writer));
    let run: KernelRun;
    try {
      run = await runOnKernel(p.script, {
        onObservation: (o) => {
          infer.step(p.script.lines[o.i]!, o);
          hooks.onObservation(o);
        },
        keepObservations: false,
        stop: hooks.stop,
      });
    } catch (e) {
      // Stopping was asked for: the run is left incomplete, never failed or complete.
      if (hooks.stop.aborted) hooks.onError({ interrupted: writer.interrupt() });
      else hooks.onError({ failed: writer.finish('failed', e instanceof Error ? e.message : String(e)) });
      if (e instanceof ProbeError && (e.code === 'E_PRECONDITION' || e.code === 'E_TASKS')) throw new CliError(e.message, { cause: e });
      throw e;
    }
    if (run.interrupted) return { status: 'incomplete', progress: writer.interrupt(), run };
    return { status: 'complete', summary: writer.finish('complete'), run };
  } finally {
    await store.close();
  }
}

/** What `recordKernelRun` recorded. */
export interface KernelRecording {
  readonly runId: number;
  /** `incomplete` when `stop` ended it early. */
  readonly status: 'complete' | 'incomplete';
  /** Command lines recorded. */
  readonly ops: number;
  /** Events inferred and recorded. */
  readonly events: number;
  /** The event log's SHA-256 (null for an incomplete run). */
  readonly hash: string | null;
  /** `uname -r` of the kernel that ran it. */
  readonly release: string;
  /** The probe's warnings, as `foliolog kernel` prints them. */
  readonly warnings: readonly string[];
}

/**
 * Record a script run on this machine's kernel into the store at `dbPath`, as `foliolog kernel`
 * does but in this process and printing nothing: for benchmarks and embedding. Needs root and
 * the built probe helper, like the command.
 *
 * @param scriptText - the script (product.md §1)
 * @param dbPath - the store; created when missing
 * @param opts.scriptName - the name stored with the run and used in messages (default `script.fl`)
 * @param opts.stop - stop at the next command boundary; the run stays `incomplete`
 * @param opts.onObservation - each §2 observation as the kernel produced it
 * @returns the run's id, status, counts, event-log hash, kernel release and warnings
 * @throws CliError (a script error, a task prefix, an unmet precondition; nothing recorded),
 *   ProbeError (the helper failed; the run is recorded as `failed`), StoreError
 *
 * ### Example
 * ```ts
 * const r = await recordKernelRun('mount tmpfs huge=always\npwrite 0 4k\n', '/tmp/k.db');
 * r.ops; // 2
 * ```
 */
export async function recordKernelRun(
  scriptText: string,
  dbPath: string,
  opts: { readonly scriptName?: string; readonly stop?: AbortSignal; readonly onObservation?: (o: Observation) => void } = {},
): Promise<KernelRecording> {
  const name = opts.scriptName ?? 'script.fl';
  let script: Script;
  try {
    script = parseScript(scriptText, name);
  } catch (e) {
    if (e instanceof ScriptError) throw new CliError(e.message, { cause: e });
    throw e;
  }
  const p = prepare(name, scriptText, script);
  const end = await record(p, dbPath, {
    now: () => new Date(), stop: opts.stop ?? new AbortController().signal, onStart: () => undefined,
    onObservation: opts.onObservation ?? (() => undefined), onError: () => undefined,
  });
  const warnings = [...p.warnings, ...(end.run?.warnings.slice(p.warnings.length) ?? [])];
  if (end.status === 'complete') {
    return { ...end.summary, status: 'complete', release: end.run.release, warnings };
  }
  return { ...end.progress, status: 'incomplete', hash: null, release: p.release, warnings };
}

/**
 * `foliolog kernel SCRIPT`: run the script on this machine's kernel through the probe and
 * record it as a run with source `kernel` and the kernel release: each command's §2
 * observation (folios and blind pages kept as printed), and the events inferred from the
 * layout change between commands (`KernelInference`, marked inferred). Prints §2 JSON Lines
 * as they arrive (`--json`) or the table `run` prints; the probe's warnings and the run summary
 * go to stderr, `run N` as soon as the run exists. A killed process leaves the run `incomplete`;
 * the probe restores the machine. Once `stop` is aborted (SIGINT/SIGTERM) the command in flight
 * finishes, the helper quits (restoring the knobs, unmounting), and the run stays `incomplete`
 * with what it recorded, which stderr reports.
 *
 * @returns 0 when the script ran (kernel errnos are results), 130/143 when stopped
 * @throws CliError (exit 2) for a script error, a task prefix or an unmet precondition, before
 *   anything is recorded; the probe's other errors propagate (exit 70) after the run is
 *   recorded as `failed` (left `incomplete` if stopping was asked for, and exit 130/143)
 */
export async function kernelCommand(path: string, opts: KernelOptions, env: CliEnv, stop: AbortSignal): Promise<number> {
  const { text, script } = loadScript(path);
  const p = prepare(path, text, script);
  for (const w of p.warnings) env.stderr.write(`foliolog: warning: ${w}\n`);
  // The table's header (or nothing, with --json) follows `run N`, as for `run`.
  let progress: Progress = NO_PROGRESS;
  let print: (o: Observation) => void = () => undefined;
  let end: Ending;
  try {
    end = await record(p, opts.db, {
      now: env.now, stop,
      onStart: (runId) => {
        env.stderr.write(startLine(runId));
        progress = progressFor(env, opts.json, script.lines.length, 'kernel');
        print = observationPrinter(opts.json, script.lines, env.stdout, progress);
      },
      onObservation: (o) => print(o),
      onError: (e) => {
        progress.stop();
        env.stderr.write('failed' in e ? summaryLine('failed', e.failed) : interruptedLine(e.interrupted));
      },
    });
  } finally {
    progress.stop();
  }
  for (const w of end.run?.warnings.slice(p.warnings.length) ?? []) env.stderr.write(`foliolog: warning: ${w}\n`);
  if (end.status === 'incomplete') {
    env.stderr.write(interruptedLine(end.progress));
    return interruptedStatus(stop);
  }
  env.stderr.write(summaryLine('complete', end.summary, ` (kernel ${end.run.release})`));
  return 0;
}
