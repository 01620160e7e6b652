import { OptionError, type OptionSpecs, fallbackText, optionsJson, readOptions } from './options.js';
import { BALLOON_OPTIONS, balloonScript } from './balloon.js';
import { DBPOOL_OPTIONS, dbpoolScript } from './dbpool.js';
import { SPARSE_OPTIONS, sparseScript } from './sparse.js';

/** Largest `--seed` (the generators' xoroshiro128+ takes a 32-bit seed). */
export const SEED_MAX = 2 ** 32 - 1;

/** One option of a workload generator, as a command line declares it. */
export interface WorkloadOption {
  /** The flag without `--`; also the key of the option in `Generated.options`. */
  readonly name: string;
  /** Metavariable for help: `SIZE`, `N`, `memfd|anon`. */
  readonly arg: string;
  readonly help: string;
  /**
   * The default, as it would be written on the command line (`256m`); when `follows`, how it
   * follows the options before it instead (`5/8 of --size, rounded down to 4k`).
   */
  readonly fallback: string;
  /** True when the default is not one value but follows other options (help says how). */
  readonly follows: boolean;
}

/** A generated workload: the script and what made it (`foliolog gen NAME --json` prints this). */
export interface Generated {
  readonly generator: string;
  readonly seed: number;
  /** Every option by name, given or default: numbers (sizes in bytes) and words. */
  readonly options: Readonly<Record<string, string | number>>;
  /** Commands in the script (the header comment not counted). */
  readonly lines: number;
  readonly script: string;
}

/** A workload generator: a name, a summary (one help line: under 60 characters), its options, and the generator itself. */
export interface Workload {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly WorkloadOption[];
  /**
   * The script for `seed` and the options given (by name, as text; the rest default). Pure.
   * @throws OptionError `--NAME: reason` for a value the option refuses
   */
  generate(seed: number, given: Readonly<Record<string, string | undefined>>): Generated;
}

/** A `Workload` over a typed generator and its option specs. Pure. */
function workload<O>(name: string, summary: string, specs: OptionSpecs<O>, script: (seed: number, o: O) => string): Workload {
  const keys = Object.keys(specs) as Array<keyof O & string>;
  return {
    name,
    summary,
    options: keys.map((k) => ({
      name: k, arg: specs[k].arg, help: specs[k].help, fallback: fallbackText(specs[k]), follows: specs[k].fallback.kind === 'follows',
    })),
    generate(seed, given) {
      if (!Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) throw new OptionError(`--seed: not an integer in 0..${SEED_MAX}: ${seed}`);
      const o = readOptions(specs, given);
      const text = script(seed, o);
      const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      return { generator: name, seed, options: optionsJson(specs, o), lines, script: text };
    },
  };
}

/**
 * The workload generators of the what-if lab, by name: each writes a realistic script of
 * mTHP-backed shmem use from a seed and its options (`foliolog gen NAME`).
 *
 * ### Example
 * ```ts
 * const g = workloadNamed('dbpool')!.generate(3, { huge: 'always', ops: '500' })
 * g.script.split('\n')[0] // '# foliolog gen dbpool --seed 3 --ops 500 --size 256m --huge always --presize falloc --page 8k --memory 0'
 * ```
 */
export const WORKLOADS: readonly Workload[] = [
  workload('balloon', 'VM guest RAM: boot faults, balloon punches, reporting, pins',
    BALLOON_OPTIONS, balloonScript),
  workload('dbpool', 'a database buffer pool: page I/O, checkpoints, punches',
    DBPOOL_OPTIONS, dbpoolScript),
  workload('sparse', 'sparse files: writes, punches, truncates, SEEK_DATA/HOLE',
    SPARSE_OPTIONS, sparseScript),
];

/** The generator called `name`, or undefined. Pure. */
export function workloadNamed(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}
