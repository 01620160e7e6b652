import { basename } from 'node:path';
import { failsAs, shrinkRepro, trial } from '../../fuzz/index.js';
import { parseSchedule, parseScript, ScriptError } from '../../script/index.js';
import { firstUnsupportedLine } from '../../sim/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { readScriptFile } from '../io.js';
import { jsonText } from '../json.js';
import { writeRepro } from './fuzz.js';
import { bugsOption, policyOption } from './run.js';

/** Options of `foliolog shrink`. */
export interface ShrinkCliOptions {
  readonly json: boolean;
  readonly schedule?: string;
  readonly bug?: readonly string[];
  /** The what-if policy it runs under (default `linux-6.18`). */
  readonly policy?: string;
  readonly out: string;
}

/**
 * `foliolog shrink SCRIPT [--schedule FILE] [--bug NAME]... [--policy SPEC] [--out DIR]`: run SCRIPT as
 * `foliolog run` would (replaying FILE when given), and when the oracle fails, shrink it while
 * the same check fails on the same command kind (`shrinkRepro`), then write
 * `DIR/<name>.shrunk.fl` (and `.schedule` when it needs an interleaving) and print the exact
 * `foliolog run` command. JSON: one object `{check, op, step, task, i, message, before, after,
 * script, schedule, command}`, or `{failure: null}` when SCRIPT does not fail.
 * @returns 1 when SCRIPT fails a check (and was shrunk), 0 when it does not fail
 * @throws CliError (exit 2): an unreadable or malformed script or schedule, a bad option, a
 *   line this build does not model
 */
export async function shrinkCommand(path: string, o: ShrinkCliOptions, env: CliEnv): Promise<number> {
  const bugs = bugsOption(o.bug);
  const policy = o.policy === undefined ? undefined : policyOption(o.policy);
  const text = readScriptFile(path);
  let schedule: readonly string[] | undefined;
  try {
    const parsed = parseScript(text, path);
    const unsupported = firstUnsupportedLine(parsed);
    if (unsupported) throw new CliError(`${path}:${unsupported.line.line}: not supported yet: ${unsupported.what}`);
    if (o.schedule !== undefined) schedule = parseSchedule(readScriptFile(o.schedule), o.schedule);
  } catch (e) {
    if (e instanceof ScriptError) throw new CliError(e.message, { cause: e });
    throw e;
  }
  const sched = schedule === undefined ? { random: 1 } : { replay: schedule };
  const first = trial(text, path, bugs, sched, policy)!;
  const f = first.failure;
  if (f === undefined) {
    env.stdout.write(o.json ? `${jsonText({ failure: null })}\n` : `shrink: ${path} does not fail: nothing to shrink\n`);
    return 0;
  }
  if (f.kind !== 'check') throw new CliError(f.message);
  const kind = { check: f.check!, cmd: first.failedCmd! };
  const lines = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
  const shrunk = await shrinkRepro(lines, sched, bugs, kind, path, undefined, policy);
  const stem = `${basename(path).replace(/\.fl$/, '')}.shrunk`;
  const files = writeRepro(o.out, stem, [`foliolog shrink ${path}: check ${kind.check} failed on ${kind.cmd}; shrunk from ${shrunk.before} to ${shrunk.after} operations`], shrunk, bugs, policy);
  const sf = files.trial.failure!;
  if (!failsAs(files.trial, kind)) throw new Error('internal: the written reproducer fails otherwise');
  if (o.json) {
    env.stdout.write(`${jsonText({
      check: kind.check, op: kind.cmd, step: sf.step ?? null, task: sf.task ?? null, i: sf.i, message: sf.message,
      before: shrunk.before, after: shrunk.after, script: files.script, schedule: files.schedule ?? null, command: files.command,
    })}\n`);
  } else {
    env.stdout.write([
      `shrink: ${path} fails check ${kind.check} on ${kind.cmd}`,
      `shrunk from ${shrunk.before} to ${shrunk.after} operations (${shrunk.trials} trials): ${sf.message}`,
      `reproducer: ${files.script}${files.schedule === undefined ? '' : `, schedule: ${files.schedule}`}`,
      `reproduce: ${files.command}`,
      '',
    ].join('\n'));
  }
  return 1;
}
