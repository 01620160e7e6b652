import type { KernelRun } from '../../probe/index.js';
import { checkKernelPreconditions, ProbeError, runOnKernel } from '../../probe/index.js';
import type { Script } from '../../script/index.js';
import { KernelInference } from '../../sim/index.js';
import { openStore } from '../../store/index.js';
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

/** Parse the script and refuse what the kernel cannot run; nothing is recorded on refusal. */
function prepare(path: string): { readonly text: string; readonly script: Script; readonly release: string; readonly warnings: string[] } {
  const { text, script } = loadScript(path);
  const tasked = script.lines.find((l) => l.task !== undefined);
  if (tasked !== undefined) {
    throw new CliError(`${path}:${tasked.line}: task prefix [${tasked.task}]: a real kernel cannot follow a seeded schedule`);
  }
  const pre = checkKernelPreconditions();
  if (!pre.ok) throw new CliError(`kernel: ${pre.reason}`);
  return { text, script, release: pre.release, warnings: pre.warnings };
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
  const { text, script, release, warnings } = prepare(path);
  for (const w of warnings) env.stderr.write(`foliolog: warning: ${w}\n`);
  const store = await openStore(opts.db, 'create');
  try {
    const writer = store.beginRun(runMeta({
      source: 'kernel', scriptName: path, scriptText: text, config: {}, seed: 0, policy: KERNEL_POLICY,
      kernelRelease: release,
    }), { now: env.now });
    env.stderr.write(startLine(writer.runId));
    const infer = new KernelInference(recorderFor(writer));
    const progress = progressFor(env, opts.json, script.lines.length, 'kernel');
    const print = observationPrinter(opts.json, script.lines, env.stdout, progress);
    let run: KernelRun;
    try {
      run = await runOnKernel(script, {
        onObservation: (o) => {
          infer.step(script.lines[o.i]!, o);
          print(o);
        },
        stop,
      });
    } catch (e) {
      progress.stop();
      // Stopping was asked for: the run is left incomplete, never failed or complete.
      if (stop.aborted) env.stderr.write(interruptedLine(writer.interrupt()));
      else env.stderr.write(summaryLine('failed', writer.finish('failed', e instanceof Error ? e.message : String(e))));
      if (e instanceof ProbeError && (e.code === 'E_PRECONDITION' || e.code === 'E_TASKS')) throw new CliError(e.message, { cause: e });
      throw e;
    }
    progress.stop();
    for (const w of run.warnings.slice(warnings.length)) env.stderr.write(`foliolog: warning: ${w}\n`);
    if (run.interrupted) {
      env.stderr.write(interruptedLine(writer.interrupt()));
      return interruptedStatus(stop);
    }
    const summary = writer.finish('complete');
    env.stderr.write(summaryLine('complete', summary, ` (kernel ${run.release})`));
    return 0;
  } finally {
    await store.close();
  }
}
