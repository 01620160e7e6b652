import type { KernelRun } from '../../probe/index.js';
import { checkKernelPreconditions, ProbeError, runOnKernel } from '../../probe/index.js';
import { observationTable } from '../../report/index.js';
import type { Observation, Script } from '../../script/index.js';
import { formatObservation } from '../../script/index.js';
import { KernelInference } from '../../sim/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { loadScript, recorderFor, runMeta, summaryLine } from '../recording.js';

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
 * go to stderr. A killed process leaves the run `incomplete`; the probe restores the machine.
 *
 * @returns 0 when the script ran (kernel errnos are results)
 * @throws CliError (exit 2) for a script error, a task prefix or an unmet precondition, before
 *   anything is recorded; the probe's other errors propagate (exit 70) after the run is
 *   recorded as `failed`
 */
export async function kernelCommand(path: string, opts: KernelOptions, env: CliEnv): Promise<number> {
  const { text, script, release, warnings } = prepare(path);
  for (const w of warnings) env.stderr.write(`foliolog: warning: ${w}\n`);
  const store = await openStore(opts.db, 'create');
  try {
    const writer = store.beginRun(runMeta({
      source: 'kernel', scriptName: path, scriptText: text, config: {}, seed: 0, policy: KERNEL_POLICY,
      kernelRelease: release,
    }), { now: env.now });
    const infer = new KernelInference(recorderFor(writer));
    const observations: Observation[] = [];
    let run: KernelRun;
    try {
      run = await runOnKernel(script, {
        onObservation: (o) => {
          observations.push(o);
          infer.step(script.lines[o.i]!, o);
          if (opts.json) env.stdout.write(`${formatObservation(o)}\n`);
        },
      });
    } catch (e) {
      const summary = writer.finish('failed', e instanceof Error ? e.message : String(e));
      env.stderr.write(summaryLine('failed', summary));
      if (e instanceof ProbeError && (e.code === 'E_PRECONDITION' || e.code === 'E_TASKS')) throw new CliError(e.message, { cause: e });
      throw e;
    }
    for (const w of run.warnings.slice(warnings.length)) env.stderr.write(`foliolog: warning: ${w}\n`);
    const summary = writer.finish('complete');
    if (!opts.json) env.stdout.write(`${observationTable(observations)}\n`);
    env.stderr.write(summaryLine('complete', summary, ` (kernel ${run.release})`));
    return 0;
  } finally {
    await store.close();
  }
}
