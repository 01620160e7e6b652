import { CliError } from './errors.js';

/**
 * A `RUN` argument (product.md §3): a positive decimal integer, nothing else (`3x`, `-1`, `0`,
 * `1e3` and `0x10` are refused). Pure.
 * @throws CliError (exit 2) `not a run id: TEXT`
 *
 * ### Example
 * ```ts
 * parseRunId('12') // 12
 * ```
 */
export function parseRunId(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`not a run id: ${text}`);
  return n;
}

/** A run in a named store, or in the command's `--db` (`store` undefined). */
export interface RunRef {
  readonly store: string | undefined;
  readonly id: number;
}

/**
 * A `RUN` argument that may name its store: `ID`, or `STORE#ID` where STORE is a SQLite file or
 * a `postgres://` URL (the last `#` separates them), e.g. `postgres://me@/team?host=/run/postgresql#40`. Pure.
 * @throws CliError (exit 2) as `parseRunId` does, or `no store before # in TEXT`
 *
 * ### Example
 * ```ts
 * parseRunRef('other.db#7') // { store: 'other.db', id: 7 }
 * ```
 */
export function parseRunRef(text: string): RunRef {
  const hash = text.lastIndexOf('#');
  if (hash < 0) return { store: undefined, id: parseRunId(text) };
  if (hash === 0) throw new CliError(`no store before # in ${text}`);
  return { store: text.slice(0, hash), id: parseRunId(text.slice(hash + 1)) };
}
