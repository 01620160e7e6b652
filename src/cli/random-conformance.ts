import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelVariant } from '../model/index.js';
import { runOnKernel } from '../probe/index.js';
import { compareObservations, formatObservation, type Observation, parseScript } from '../script/index.js';
import { type MixName, randomScript, shrinkLines } from '../fuzz/index.js';
import { simulate } from '../sim/index.js';
import type { Progress } from '../report/index.js';

/** Where the model and the kernel first part on one script, or undefined when they agree. */
export interface Parting {
  readonly i: number;
  readonly op: string;
  readonly fields: Record<string, [unknown, unknown]>;
}

/** A shrunk disagreement: its commands, where it parts, and where it and its truth were saved. */
export interface Shrunk {
  readonly ops: number;
  readonly first: Parting;
  readonly script: string;
  readonly truth: string;
}

/** One random script compared: agreement, or the disagreement shrunk and saved. */
export interface RandomVerdict {
  readonly seed: number;
  readonly ops: number;
  readonly first?: Parting;
  /** The shrunk script's commands, and where it and its truth were saved. */
  readonly shrunk?: Shrunk;
}

/** What a random comparison needs besides the scripts. */
export interface RandomRun {
  readonly mix: MixName;
  readonly seed: number;
  readonly count: number;
  readonly ops: readonly [number, number];
  readonly out: string;
  readonly variant: KernelVariant | undefined;
  readonly progress: Progress;
  readonly stop: AbortSignal;
}

/** The model's observations of a script's commands, or its first failure as a parting. */
function onModel(text: string, name: string, variant: KernelVariant | undefined): { readonly obs: readonly Observation[]; readonly failure?: string } {
  const r = simulate(parseScript(text, name), variant ? { variant } : {});
  return r.failure ? { obs: r.observations, failure: r.failure.message } : { obs: r.observations };
}

/** Compare the model with the kernel on one script text. */
async function compare(text: string, name: string, variant: KernelVariant | undefined): Promise<{ readonly first?: Parting; readonly truth: readonly Observation[]; readonly release: string }> {
  const k = await runOnKernel(parseScript(text, name));
  const m = onModel(text, name, variant);
  for (const [i, ko] of k.observations.entries()) {
    const mo = m.obs[i];
    const fields = mo === undefined ? { model: [m.failure ?? 'stopped', null] as [unknown, unknown] } : compareObservations(mo, ko);
    if (Object.keys(fields).length > 0) return { first: { i, op: ko.op, fields }, truth: k.observations, release: k.release };
  }
  return { truth: k.observations, release: k.release };
}

/** Script text of command lines, after a header. Pure. */
function scriptOf(header: string, lines: readonly string[]): string {
  return `${header}\n${lines.join('\n')}\n`;
}

/**
 * Shrink a disagreeing script to a short one that still disagrees, and save it with the
 * kernel's truth under `out` as `random-MIX-SEED.fl` / `.truth.jsonl` (a corpus candidate).
 */
async function shrinkAndSave(r: RandomRun, seed: number, text: string, first: Parting): Promise<Shrunk> {
  const name = `random-${r.mix}-${seed}`;
  const commands = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const upTo = commands.slice(0, first.i + 1);
  const still = async (ls: readonly string[]): Promise<boolean> => (await compare(scriptOf('', ls), `${name}.fl`, r.variant)).first !== undefined;
  const short = await shrinkLines(upTo, still);
  const got = await compare(scriptOf('', short), `${name}.fl`, r.variant);
  const header = `# random mix ${r.mix}, seed ${seed}: shrunk from ${commands.length} to ${short.length} commands; kernel ${got.release}`;
  const body = scriptOf(header, short);
  // Line numbers of the saved file: one header line above the commands.
  const truth = parseScript(body, `${name}.fl`).lines.map((l, i) => ({ ...got.truth[i]!, line: l.line }));
  mkdirSync(r.out, { recursive: true });
  const script = join(r.out, `${name}.fl`);
  const truthPath = join(r.out, `${name}.truth.jsonl`);
  writeFileSync(script, body);
  writeFileSync(truthPath, truth.map((o) => `${formatObservation(o)}\n`).join(''));
  return { ops: short.length, first: got.first ?? first, script, truth: truthPath };
}

/**
 * Generate `count` seeded scripts of the mix (seeds `seed`, `seed` + 1, …), run each on this
 * machine's kernel and on the model, and shrink and save every disagreement. Stops between
 * scripts once `stop` is aborted.
 * @returns one verdict per script compared
 * @throws ProbeError when the kernel cannot be used
 */
export async function randomConformance(r: RandomRun): Promise<RandomVerdict[]> {
  const out: RandomVerdict[] = [];
  for (let n = 0; n < r.count && !r.stop.aborted; n++) {
    const seed = r.seed + n;
    const text = randomScript(r.mix, seed, r.ops);
    const got = await compare(text, `random-${r.mix}-${seed}.fl`, r.variant);
    const ops = got.truth.length;
    if (got.first === undefined) out.push({ seed, ops });
    else out.push({ seed, ops, first: got.first, shrunk: await shrinkAndSave(r, seed, text, got.first) });
    r.progress.tick(n + 1);
  }
  return out;
}
