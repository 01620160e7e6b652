import { LineFault } from './_fault.js';
import { formatLoff, parseLoff } from './_numbers.js';

/**
 * Parse a byte quantity written as scripts write numbers (product.md §1): decimal or `0x` hex,
 * an optional `k`/`m`/`g`/`t` suffix (powers of 1024), no sign, at most 2^63 − 1. For the
 * options of commands that take sizes as scripts do (`foliolog gen balloon --size 256m`). Pure.
 *
 * @param token - the word as written, e.g. `256m`, `0x10k`, `4096`
 * @returns the value in bytes
 * @throws RangeError saying what is wrong (malformed, negative, outside `loff_t`)
 *
 * ### Example
 * ```ts
 * parseNumber('256m') // 268435456n
 * ```
 */
export function parseNumber(token: string): bigint {
  try {
    return parseLoff(token);
  } catch (e) {
    if (e instanceof LineFault) throw new RangeError(e.message);
    throw e;
  }
}

/**
 * Print a byte quantity as scripts write it: the largest exact suffix, else decimal
 * (`268435456n` → `256m`, `1536n` → `1536`). `parseNumber` reads it back. Pure.
 *
 * @throws RangeError outside the `loff_t` range
 *
 * ### Example
 * ```ts
 * formatNumber(65536n) // '64k'
 * ```
 */
export function formatNumber(v: bigint): string {
  return formatLoff(v);
}
