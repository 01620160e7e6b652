import type { Generated, Workload } from '../../fuzz/index.js';
import { OptionError, SEED_MAX, WORKLOADS } from '../../fuzz/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';

/** Options of `foliolog gen NAME`: `--seed`, `--json`, and the generator's own, as text by name. */
export interface GenCliOptions {
  readonly json: boolean;
  readonly seed: string;
  readonly [option: string]: string | boolean | undefined;
}

/** `--seed` of `gen NAME`: an integer in 0..SEED_MAX. @throws CliError naming the option. */
function seedOption(name: string, text: string): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= SEED_MAX)) throw new CliError(`gen ${name}: --seed: not an integer in 0..${SEED_MAX}: ${text}`);
  return n;
}

/**
 * `foliolog gen NAME [--seed N] [options]`: print the script workload generator NAME writes for
 * the seed (default 1) and options (each generator's defaults otherwise): its first line a
 * comment naming generator, seed and every option, then one command a line. Deterministic:
 * the same arguments print the same bytes. `--json`: one object on one line,
 * `{generator, seed, options, lines, script}` (`options` every option by name, sizes in bytes;
 * `lines` the commands).
 * @returns 0
 * @throws CliError (exit 2) for a bad option value, naming the option
 *
 * ### Example
 * ```ts
 * genCommand(workloadNamed('balloon')!, { json: false, seed: '7', backing: 'anon' }, env) // prints the script
 * ```
 */
export function genCommand(w: Workload, o: GenCliOptions, env: CliEnv): number {
  const seed = seedOption(w.name, o.seed);
  const given: Record<string, string | undefined> = {};
  for (const opt of w.options) {
    const v = o[opt.name];
    given[opt.name] = typeof v === 'string' ? v : undefined;
  }
  let g: Generated;
  try {
    g = w.generate(seed, given);
  } catch (e) {
    if (e instanceof OptionError) throw new CliError(`gen ${w.name}: ${e.message}`, { cause: e });
    throw e;
  }
  env.stdout.write(o.json ? `${jsonText(g)}\n` : g.script);
  return 0;
}

/** `foliolog gen` without a generator (`word` undefined or an option), or with one there is none of. @throws CliError always. */
export function unknownGenerator(word: string | undefined): never {
  const names = WORKLOADS.map((w) => w.name).join(', ');
  if (word === undefined || word.startsWith('-')) throw new CliError(`gen: name a generator first (${names})${word === undefined ? '' : `: ${word}`}`);
  throw new CliError(`gen: unknown generator ${word} (${names})`);
}
