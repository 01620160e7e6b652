import type { KernelVariant } from '../../model/index.js';
import { checkKernelPreconditions } from '../../probe/index.js';
import { MIXES, type MixName, isMixName, mixOps } from '../../fuzz/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { fieldText } from '../field-text.js';
import { jsonText } from '../json.js';
import { type RandomVerdict, randomConformance } from '../random-conformance.js';
import { progressFor } from '../recording.js';

/** Options of `foliolog conformance --random N`. */
export interface RandomOptions {
  readonly random: string;
  readonly mix?: string;
  readonly seed?: string;
  readonly ops?: string;
  readonly out?: string;
  readonly json: boolean;
}

/** A non-negative integer option. @throws CliError naming the option. */
function count(name: string, value: string, least: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < least) throw new CliError(`${name}: not an integer ≥ ${least}: ${value}`);
  return n;
}

/** `--ops A..B`: 1 ≤ A ≤ B. @throws CliError. */
function opsRange(value: string): readonly [number, number] {
  const m = /^(\d+)\.\.(\d+)$/.exec(value);
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(a >= 1 && a <= b && b <= 100_000)) throw new CliError(`--ops: not a range A..B with 1 ≤ A ≤ B ≤ 100000: ${value}`);
  return [a, b];
}

/** The text lines of one mix's verdicts. Pure. */
function mixText(mix: MixName, seed: number, ops: readonly [number, number], vs: readonly RandomVerdict[]): string[] {
  const bad = vs.filter((v) => v.first !== undefined);
  const lines = [`random mix ${mix}: ${vs.length} scripts (seeds ${seed}..${seed + vs.length - 1}, ${ops[0]}..${ops[1]} commands): agree ${vs.length - bad.length}, disagree ${bad.length}`];
  for (const v of bad) {
    const s = v.shrunk!;
    lines.push(`  seed ${v.seed}: i ${v.first!.i} (${v.first!.op}); shrunk to ${s.ops} commands, i ${s.first.i} (${s.first.op}): ${s.script}`);
    for (const [name, [model, kernel]] of Object.entries(s.first.fields)) lines.push(`    ${name}: model ${fieldText(name, model)} | kernel ${fieldText(name, kernel)}`);
  }
  return lines;
}

/**
 * `foliolog conformance --random N [--mix NAME] [--seed S] [--ops A..B] [--out DIR]`: N seeded
 * random scripts of the mix (of every mix when none is named), each run on this machine's kernel
 * and on the model; every disagreement is shrunk and saved with its kernel truth in DIR
 * (default `.`). A progress bar on a terminal. JSON: `{mixes: [{mix, seed, ops, scripts, agree,
 * disagree: [{seed, ops, first, shrunk: {ops, first, script, truth}}]}]}`.
 * @returns 0 when every script agrees, 1 when any disagrees
 * @throws CliError (exit 2) for bad options or a machine that cannot run the kernel side
 */
export async function conformanceRandomCommand(o: RandomOptions, variant: KernelVariant | undefined, env: CliEnv, stop: AbortSignal): Promise<number> {
  const n = count('--random', o.random, 1);
  const seed = count('--seed', o.seed ?? '1', 0);
  if (o.mix !== undefined && !isMixName(o.mix)) throw new CliError(`--mix: unknown mix ${o.mix} (there is: ${MIXES.join(', ')})`);
  const ops = o.ops === undefined ? undefined : opsRange(o.ops);
  const pre = checkKernelPreconditions();
  if (!pre.ok) throw new CliError(`conformance --random: ${pre.reason}`);
  const mixes: readonly MixName[] = o.mix === undefined ? MIXES : [o.mix as MixName];
  const report: Array<{ mix: MixName; ops: readonly [number, number]; verdicts: RandomVerdict[] }> = [];
  for (const mix of mixes) {
    const range = ops ?? mixOps(mix);
    const progress = progressFor(env, o.json, n, `random ${mix}`);
    try {
      report.push({ mix, ops: range, verdicts: await randomConformance({ mix, seed, count: n, ops: range, out: o.out ?? '.', variant, progress, stop }) });
    } finally {
      progress.stop();
    }
    if (stop.aborted) break;
  }
  if (o.json) {
    env.stdout.write(`${jsonText({
      mixes: report.map((r) => ({
        mix: r.mix, seed, ops: r.ops, scripts: r.verdicts.length, agree: r.verdicts.filter((v) => v.first === undefined).length,
        disagree: r.verdicts.filter((v) => v.first !== undefined),
      })),
    })}\n`);
  } else {
    for (const r of report) env.stdout.write(`${mixText(r.mix, seed, r.ops, r.verdicts).join('\n')}\n`);
  }
  return report.every((r) => r.verdicts.every((v) => v.first === undefined)) ? 0 : 1;
}
