import type { BugName } from '../../model/index.js';
import type { PolicySpec } from '../../model/index.js';
import { BUG_NAMES, formatPolicy, isBugName, parsePolicy, PolicyError, policyForBugs } from '../../model/index.js';
import { firstUnsupportedLine, Simulation } from '../../sim/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import { interruptedStatus } from '../interrupt.js';
import type { CliEnv } from '../io.js';
import { interruptedLine, loadScript, observationPrinter, progressFor, recorderFor, runMeta, startLine, summaryLine, tablePrinter } from '../recording.js';
import { schedulerFor } from '../schedule.js';
import { stepInSlices } from '../slices.js';
import { kernelVariantOption } from '../variant.js';
import { formatSchedule } from '../../script/index.js';

/** Options of `foliolog run`. */
export interface RunOptions {
  readonly db: string;
  readonly json: boolean;
  readonly check: boolean;
  readonly seed: string;
  readonly policy: string;
  /** A kernel variant (`KERNEL_VARIANTS`) to answer as, instead of `MODELLED_RELEASE`. */
  readonly variant?: string;
  readonly sched: string;
  readonly schedule?: string;
  /** `--bug NAME`, each given (issue 9). */
  readonly bug?: readonly string[];
  /** Print nothing on stdout (fuzz records its reproducer without showing its rows). */
  readonly quiet?: boolean;
  /** `--metrics`: record the lab's no-data pages with each command (`compare` always does). */
  readonly metrics?: boolean;
}

/**
 * The bug switches of `--bug` (repeats collapse; recorded sorted).
 * @throws CliError (exit 2) for a name that is not a bug switch.
 */
export function bugsOption(names: readonly string[] = []): BugName[] {
  for (const n of names) if (!isBugName(n)) throw new CliError(`--bug: unknown bug ${n} (known: ${BUG_NAMES.join(', ')})`);
  return [...new Set(names as readonly BugName[])].sort();
}

/**
 * `--policy SPEC` parsed (`NAME[:KEY=VALUE]...` joined by `+`).
 * @throws CliError (exit 2) naming what is wrong.
 */
export function policyOption(text: string): PolicySpec {
  try {
    return parsePolicy(text);
  } catch (e) {
    if (e instanceof PolicyError) throw new CliError(`--policy: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * `foliolog run SCRIPT`: parse the whole script (a script error records nothing), refuse a line
 * this build does not model, then simulate it into a new run of the store, printing §2 JSON
 * Lines (`--json`) or a table. `run N` goes to stderr as soon as the run exists. Once `stop` is
 * aborted (SIGINT/SIGTERM) the run stops at the next command boundary, keeps what it recorded,
 * stays `incomplete`, and says so on stderr. `--variant NAME` answers as another kernel build
 * where builds differ (`KERNEL_VARIANTS`), and `runs.config` records it as `variant`. A bug
 * switch that needs a what-if policy runs under it (`fault-clears-partial`: per-block uptodate
 * state), and `runs.policy` records that policy (`per-block`) instead of `linux-6.18`.
 * @returns 0, 1 when a check failed, 2 when a line reached unmodelled behaviour, 130/143 when stopped.
 */
export async function runCommand(script: string, opts: RunOptions, env: CliEnv, stop: AbortSignal): Promise<number> {
  return (await recordRun(script, opts, env, stop)).code;
}

/** {@link runCommand}, also saying which run it recorded. */
export async function recordRun(script: string, opts: RunOptions, env: CliEnv, stop: AbortSignal): Promise<{ code: number; runId: number }> {
  const seed = /^\d+$/.test(opts.seed) ? Number(opts.seed) : NaN;
  if (!Number.isSafeInteger(seed)) throw new CliError(`--seed: not a non-negative integer: ${opts.seed}`);
  const bugs = bugsOption(opts.bug);
  const policy = policyOption(opts.policy);
  const variant = kernelVariantOption(opts.variant);
  const { text, script: parsed } = loadScript(script);
  const unsupported = firstUnsupportedLine(parsed);
  if (unsupported) throw new CliError(`${script}:${unsupported.line.line}: not supported yet: ${unsupported.what}`);
  const tasked = parsed.lines.filter((l) => l.task !== undefined);
  const tasks = [...new Set(tasked.map((l) => l.task!))].sort();
  const scheduler = schedulerFor({ seed, sched: opts.sched, ...(opts.schedule === undefined ? {} : { schedule: opts.schedule }) }, tasks, tasked.length);
  const store = await openStore(opts.db, 'create');
  try {
    const writer = store.beginRun(runMeta({
      source: 'model', scriptName: script, scriptText: text,
      config: variant ? { check: opts.check, variant } : { check: opts.check }, seed,
      policy: formatPolicy(policyForBugs(policy, bugs)), kernelRelease: null, bugs,
    }), { now: env.now });
    env.stderr.write(startLine(writer.runId));
    const progress = progressFor(env, opts.json || opts.quiet === true, parsed.lines.length, 'run');
    const quiet = opts.quiet === true ? { onOutcome: () => {} } : undefined;
    const sim = new Simulation(parsed, {
      check: opts.check,
      recorder: recorderFor(writer),
      // The table walks the page cache for each row's start; only JSON lists all of it.
      ...(quiet ?? (opts.json
        ? { onObservation: observationPrinter(true, parsed.lines, env.stdout, progress) }
        : { onOutcome: tablePrinter(parsed.lines, env.stdout, progress) })),
      keepObservations: false,
      ...variant ? { variant } : {},
      scheduler,
      bugs,
      policy,
      metrics: opts.metrics === true,
    });
    let stopped: boolean;
    try {
      stopped = await stepInSlices(sim, stop) === 'stopped';
    } finally {
      progress.stop();
    }
    const result = sim.result();
    if (stopped) {
      env.stderr.write(interruptedLine(writer.interrupt()));
      return { code: interruptedStatus(stop), runId: writer.runId };
    }
    const schedule = result.schedule === undefined ? undefined : formatSchedule(result.schedule);
    const summary = writer.finish(result.failure ? 'failed' : 'complete', result.failure?.message, schedule);
    const status = result.failure ? 'failed' : 'complete';
    env.stderr.write(summaryLine(status, summary));
    if (!result.failure) return { code: 0, runId: writer.runId };
    env.stderr.write(`${result.failure.message}\n`);
    return { code: result.failure.kind === 'check' ? 1 : 2, runId: writer.runId };
  } finally {
    await store.close();
  }
}
