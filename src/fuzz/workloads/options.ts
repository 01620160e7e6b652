import { formatNumber, parseNumber } from '../../script/index.js';

/** A gibibyte: the largest sizes the generators take are multiples of it. */
export const SZ_1G = 2 ** 30;

/**
 * A value an option of a workload generator refuses: `message` is `--NAME: reason`, one line.
 * Any other error out of a generator is a bug of ours, not the user's.
 *
 * ### Example
 * ```ts
 * try { readOptions(BALLOON_OPTIONS, { size: '3m' }) } catch (e) { if (e instanceof OptionError) console.error(e.message) }
 * ```
 */
export class OptionError extends RangeError {
  override readonly name = 'OptionError';
}

/**
 * One option of a workload generator: its flag (`--NAME ARG`), help, default, and how a value is
 * read from the command line, printed back (the script's header, `--help`) and put in JSON.
 * `parse` throws a `RangeError` saying what is wrong, without the flag (the caller names it).
 */
export interface OptionSpec<T> {
  /** Metavariable in help texts: `SIZE`, `N`, `memfd|anon`. */
  readonly arg: string;
  readonly help: string;
  readonly fallback: T;
  parse(text: string): T;
  format(value: T): string;
  json(value: T): string | number;
}

/** The option specs of a generator whose options are `O`: one spec per key, the key is the flag. */
export type OptionSpecs<O> = { readonly [K in keyof O]: OptionSpec<O[K]> };

/** A decimal integer option in [least, most]. Pure. */
export function intSpec(help: string, fallback: number, least: number, most: number): OptionSpec<number> {
  return {
    arg: 'N',
    help: `${help} (${least}..${most})`,
    fallback,
    parse(text) {
      const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
      if (!(n >= least && n <= most)) throw new RangeError(`not an integer in ${least}..${most}: ${text}`);
      return n;
    },
    format: String,
    json: (n) => n,
  };
}

/**
 * A byte quantity written as scripts write numbers (`256m`, `0x10k`), a multiple of `unit`
 * in [least, most] bytes. Pure.
 */
export function sizeSpec(help: string, fallback: number, unit: number, least: number, most: number): OptionSpec<number> {
  const f = (n: number): string => formatNumber(BigInt(n));
  return {
    arg: 'SIZE',
    help: `${help} (a multiple of ${f(unit)}, ${f(least)}..${f(most)})`,
    fallback,
    parse(text) {
      let v: bigint;
      try {
        v = parseNumber(text);
      } catch (e) {
        throw new RangeError(`not a size: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (v < BigInt(least) || v > BigInt(most) || v % BigInt(unit) !== 0n) {
        throw new RangeError(`not a multiple of ${f(unit)} in ${f(least)}..${f(most)}: ${text}`);
      }
      return Number(v);
    },
    format: f,
    json: (n) => n,
  };
}

/** One word of `words`. Pure. */
export function choiceSpec<W extends string>(help: string, words: readonly W[], fallback: W): OptionSpec<W> {
  return {
    arg: words.join('|'),
    help,
    fallback,
    parse(text) {
      if (!(words as readonly string[]).includes(text)) throw new RangeError(`not one of ${words.join(', ')}: ${text}`);
      return text as W;
    },
    format: (w) => w,
    json: (w) => w,
  };
}

/** A comma-separated list of distinct words of `words`, at least one, kept in `words`' order. Pure. */
export function listSpec<W extends string>(help: string, words: readonly W[], fallback: readonly W[]): OptionSpec<readonly W[]> {
  return {
    arg: 'LIST',
    help: `${help} (comma-separated: ${words.join(', ')})`,
    fallback,
    parse(text) {
      const given = text.split(',');
      const bad = given.find((w) => !(words as readonly string[]).includes(w));
      if (bad !== undefined) throw new RangeError(`not one of ${words.join(', ')}: ${bad}`);
      if (new Set(given).size !== given.length) throw new RangeError(`a word given twice: ${text}`);
      return words.filter((w) => given.includes(w));
    },
    format: (ws) => ws.join(','),
    json: (ws) => ws.join(','),
  };
}

/**
 * The options a generator runs with: each given text read by its spec, the rest defaults. Pure.
 * @param given - option texts by flag name (without `--`); names that are not options are ignored
 * @throws OptionError `--NAME: reason` for the first value its spec refuses
 *
 * ### Example
 * ```ts
 * readOptions(DBPOOL_OPTIONS, { size: '64m', page: '16k' }) // { ops: 1500, size: 67108864, huge: 'within_size', presize: 'falloc', page: '16k' }
 * ```
 */
export function readOptions<O>(specs: OptionSpecs<O>, given: Readonly<Record<string, string | undefined>>): O {
  const out: Partial<Record<keyof O, unknown>> = {};
  for (const key of Object.keys(specs) as Array<keyof O & string>) {
    const spec = specs[key];
    const text = given[key];
    try {
      out[key] = text === undefined ? spec.fallback : spec.parse(text);
    } catch (e) {
      throw new OptionError(`--${key}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return out as O;
}

/** Every option at its default. Pure. */
export function defaultOptions<O>(specs: OptionSpecs<O>): O {
  return readOptions(specs, {});
}

/**
 * The first line of a generated script: the command that makes it again, every option given
 * (`# foliolog gen balloon --seed 1 --ops 1500 --size 256m ...`). Pure.
 */
export function headerLine<O>(name: string, seed: number, specs: OptionSpecs<O>, o: O): string {
  const flags = (Object.keys(specs) as Array<keyof O & string>).map((k) => ` --${k} ${specs[k].format(o[k])}`);
  return `# foliolog gen ${name} --seed ${seed}${flags.join('')}`;
}

/** The options as JSON values, by flag name. Pure. */
export function optionsJson<O>(specs: OptionSpecs<O>, o: O): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of Object.keys(specs) as Array<keyof O & string>) out[k] = specs[k].json(o[k]);
  return out;
}
