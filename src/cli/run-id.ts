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
