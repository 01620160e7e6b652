import { PAGE_SIZE } from '../../model/index.js';
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
 * The default of an option: a value, or one that follows options declared before it (balloon's
 * `--memory`: 5/8 of `--size`), with the words help shows for it (`5/8 of --size`).
 */
export type Fallback<T, O = unknown> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'follows'; readonly text: string; readonly of: (earlier: Partial<O>) => T };

/**
 * A default that follows option `key`, which must be declared before the option it is the
 * default of: `of` its value; help shows `text`. Pure.
 *
 * ### Example
 * ```ts
 * sizeSpec<BalloonOptions>('limit', follows('size', 'half of --size', (size) => size / 2), PAGE_SIZE, 0, SZ_1G)
 * ```
 */
export function follows<O, K extends keyof O, T>(key: K, text: string, of: (v: O[K]) => T): Fallback<T, O> {
  return {
    kind: 'follows',
    text,
    of(earlier) {
      const v = earlier[key];
      if (v === undefined) throw new Error(`a default follows --${String(key)}, which is declared after it`);
      return of(v);
    },
  };
}

/**
 * One option of a workload generator: its flag (`--NAME ARG`), help, default, and how a value is
 * read from the command line, printed back (the script's header, `--help`) and put in JSON.
 * `parse` throws a `RangeError` saying what is wrong, without the flag (the caller names it);
 * `O` is the generator's options, which a default or `parse` may look at (those declared before).
 */
export interface OptionSpec<T, O = unknown> {
  /** Metavariable in help texts: `SIZE`, `N`, `memfd|anon`. */
  readonly arg: string;
  readonly help: string;
  readonly fallback: Fallback<T, O>;
  /** The value `text` gives, `earlier` the options declared before this one, read already. */
  parse(text: string, earlier: Partial<O>): T;
  format(value: T): string;
  json(value: T): string | number;
}

/** The option specs of a generator whose options are `O`: one spec per key, the key is the flag. */
export type OptionSpecs<O> = { readonly [K in keyof O]: OptionSpec<O[K], O> };

/** A fallback given as a value or as a `Fallback` (numbers only: a number is never a `Fallback`). Pure. */
function numberFallback<O>(f: number | Fallback<number, O>): Fallback<number, O> {
  return typeof f === 'number' ? { kind: 'value', value: f } : f;
}

/** What help shows as an option's default: its value as the command line writes it, or how it follows others. Pure. */
export function fallbackText<T, O>(spec: OptionSpec<T, O>): string {
  return spec.fallback.kind === 'value' ? spec.format(spec.fallback.value) : spec.fallback.text;
}

/** A decimal integer option in [least, most]. Pure. */
export function intSpec<O = unknown>(help: string, fallback: number | Fallback<number, O>, least: number, most: number): OptionSpec<number, O> {
  return {
    arg: 'N',
    help: `${help} (${least}..${most})`,
    fallback: numberFallback(fallback),
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
export function sizeSpec<O = unknown>(
  help: string, fallback: number | Fallback<number, O>, unit: number, least: number, most: number,
): OptionSpec<number, O> {
  const f = (n: number): string => formatNumber(BigInt(n));
  return {
    arg: 'SIZE',
    help: `${help} (a multiple of ${f(unit)}, ${f(least)}..${f(most)})`,
    fallback: numberFallback(fallback),
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

/**
 * `--memory SIZE` of every generator: the limit of one `memory LIMIT` line written right after
 * the setup, so that the workload proper runs under memory pressure (0: no line). Pure.
 */
export function memorySpec<O>(fallback: number | Fallback<number, O>): OptionSpec<number, O> {
  const help = 'memory pressure: a memory line after the setup, the model reclaiming after every command that leaves more than SIZE resident (0: no line)';
  return sizeSpec<O>(help, fallback, PAGE_SIZE, 0, 64 * SZ_1G);
}

/** One word of `words`. Pure. */
export function choiceSpec<W extends string>(help: string, words: readonly W[], fallback: W): OptionSpec<W> {
  return {
    arg: words.join('|'),
    help,
    fallback: { kind: 'value', value: fallback },
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
    fallback: { kind: 'value', value: fallback },
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
 * The options a generator runs with, read in the order the specs declare them: each given text
 * read by its spec, the rest defaults (a default that follows an option sees its value). Pure.
 * @param given - option texts by flag name (without `--`); names that are not options are ignored
 * @throws OptionError `--NAME: reason` for the first value its spec refuses
 *
 * ### Example
 * ```ts
 * readOptions(DBPOOL_OPTIONS, { size: '64m', page: '16k' }) // { ops: 1500, size: 67108864, huge: 'within_size', presize: 'falloc', page: '16k', memory: 0 }
 * ```
 */
export function readOptions<O>(specs: OptionSpecs<O>, given: Readonly<Record<string, string | undefined>>): O {
  const read: Partial<O> = {};
  for (const key of Object.keys(specs) as Array<keyof O & string>) {
    const spec = specs[key];
    const text = given[key];
    if (text === undefined) {
      read[key] = spec.fallback.kind === 'value' ? spec.fallback.value : spec.fallback.of(read);
      continue;
    }
    try {
      read[key] = spec.parse(text, read);
    } catch (e) {
      throw new OptionError(`--${key}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return read as O;
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
