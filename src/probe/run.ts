import type { Observation, Script, ScriptLine } from '../script/index.js';
import { helperPath } from './_paths.js';
import { HelperProcess } from './_helper.js';
import { encodeCommand, parseOk, type RawObservation } from './_protocol.js';
import { ProbeError } from './errors.js';
import { checkKernelPreconditions } from './preconditions.js';

/** What a script did on the real kernel. */
export interface KernelRun {
  /** `uname -r` of the kernel that ran it. */
  readonly release: string;
  /** One §2 observation per command line, in order (empty when not kept, see `keepObservations`). */
  readonly observations: Observation[];
  /** Things to tell the user (a newer kernel, khugepaged that would not sleep, ...). */
  readonly warnings: string[];
  /** True when `stop` ended the run before its last command (`observations` holds those that ran). */
  readonly interrupted: boolean;
}

/** Options of `runOnKernel`. */
export interface RunOnKernelOptions {
  /** The helper binary (default: `build/probe/foliolog-probe` of this package). */
  readonly helper?: string;
  /** How long one command may take, in ms (default 300 000: `khugepaged` waits for two full scans). */
  readonly commandTimeoutMs?: number;
  /** Called with the helper's pid once it is spawned (tests use it to kill it mid-script). */
  readonly onSpawn?: (pid: number) => void;
  /** Called with each observation as soon as the kernel produced it. */
  readonly onObservation?: (o: Observation) => void;
  /**
   * Keep every observation in `KernelRun.observations` (default true). A long run that hands
   * them to `onObservation` passes false, so that its memory does not grow with its length.
   */
  readonly keepObservations?: boolean;
  /**
   * Have the helper observe the whole file after every command, even where it would observe
   * only the blocks the command can have changed, and warn where the two differ (tests).
   * Default: the environment's `FOLIOLOG_PROBE_VERIFY=1`.
   */
  readonly verifyObservations?: boolean;
  /**
   * Stop at a command boundary once aborted: the command in flight finishes, no other is sent,
   * and the helper quits (restoring the knobs, unmounting). Aborted during start-up, the helper
   * is killed instead (it restores on SIGTERM). Either way the run returns `interrupted`.
   */
  readonly stop?: AbortSignal;
}

function toObservation(i: number, sl: ScriptLine, raw: RawObservation): Observation {
  const base = { i, line: sl.line, op: sl.op, ret: raw.ret, folios: raw.folios, stats: raw.stats, size: raw.size, blocks: raw.blocks };
  return {
    ...base,
    ...(raw.data !== undefined ? { data: raw.data } : {}),
    ...(raw.blind.length > 0 ? { blind: raw.blind } : {}),
  };
}

/**
 * Runs a parsed script on this machine's kernel through the helper and returns the
 * observations of product.md §2. The helper mounts tmpfs only in a private folder, starts from
 * the baseline THP knobs, and restores every knob and unmounts everything when it ends, fails or
 * is killed.
 *
 * @param script - a parsed script; lines with task prefixes are refused
 * @returns the kernel release, one observation per command line that ran (none when
 *   `opts.keepObservations` is false), warnings, and whether `opts.stop` interrupted it
 * @throws ProbeError `E_TASKS` (task prefixes), `E_PRECONDITION` (see `checkKernelPreconditions`),
 *   `E_UNSUPPORTED` (a command the helper does not run), `E_HELPER` (the helper died or timed out)
 *
 * ### Example
 * ```ts
 * const run = await runOnKernel(parseScript('mount tmpfs huge=always\npwrite 0 4k\n', 'a.fl'));
 * run.observations[1]?.folios; // [[0, 9, 1]]
 * ```
 */
export async function runOnKernel(script: Script, opts: RunOnKernelOptions = {}): Promise<KernelRun> {
  const tasked = script.lines.find((l) => l.task !== undefined);
  if (tasked !== undefined) {
    throw new ProbeError('E_TASKS', `${script.file}:${tasked.line}: task prefix [${tasked.task}]: a real kernel cannot follow a seeded schedule`);
  }
  const pre = checkKernelPreconditions(opts.helper !== undefined ? { helper: opts.helper } : {});
  if (!pre.ok) throw new ProbeError('E_PRECONDITION', pre.reason);
  const timeout = opts.commandTimeoutMs ?? 300_000;
  const observations: Observation[] = [];
  // A function, not a property read: TypeScript would keep an earlier check's narrowing across awaits.
  const aborted = (): boolean => opts.stop?.aborted === true;
  const stopped = (): KernelRun => ({ release: pre.release, observations, warnings: [...pre.warnings], interrupted: true });
  if (aborted()) return stopped();
  let started: Awaited<ReturnType<typeof HelperProcess.start>>;
  try {
    started = await HelperProcess.start(opts.helper ?? helperPath(), opts.onSpawn, opts.stop, opts.verifyObservations);
  } catch (e) {
    if (aborted()) return stopped();
    throw e;
  }
  const { helper, release } = started;
  const warnings = [...pre.warnings, ...helper.warnings];
  let seen = helper.warnings.length;
  let interrupted = false;
  try {
    for (const [i, sl] of script.lines.entries()) {
      // Checked between commands only: a command in flight always finishes.
      if (aborted()) {
        interrupted = true;
        break;
      }
      const line = await helper.request(encodeCommand(sl.command), timeout, `${script.file}:${sl.line}`);
      for (const w of helper.warnings.slice(seen)) warnings.push(`${script.file}:${sl.line}: ${w}`);
      seen = helper.warnings.length;
      if (line.startsWith('unsupported ')) {
        throw new ProbeError('E_UNSUPPORTED', `${script.file}:${sl.line}: the kernel probe cannot run '${sl.op}' yet`);
      }
      if (!line.startsWith('ok ')) throw new ProbeError('E_HELPER', `${script.file}:${sl.line}: unexpected response '${line}'`);
      const o = toObservation(i, sl, parseOk(line.slice(3)));
      if (opts.keepObservations !== false) observations.push(o);
      opts.onObservation?.(o);
    }
    await helper.quit(timeout);
  } finally {
    await helper.kill();
  }
  return { release, observations, warnings: [...warnings, ...helper.warnings.slice(seen)], interrupted };
}
