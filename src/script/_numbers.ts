import { fault } from './_fault.js';

/** Largest `loff_t`, 2^63 − 1. */
export const LOFF_MAX = (1n << 63n) - 1n;
/** Smallest `loff_t`, −2^63 (only a `seek` offset may be negative). */
export const LOFF_MIN = -(1n << 63n);

/** Suffix multipliers, powers of 1024 (product.md §1). */
const SUFFIX: Readonly<Record<string, bigint>> = { k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n };
/** Largest suffix first, for printing. */
const SUFFIX_DESC = ['t', 'g', 'm', 'k'] as const;

// Decimal or 0x hex, then an optional k/m/g/t in either case. `0x10k` is hex 0x10 times 1024:
// the suffix letters are not hex digits, so there is no ambiguity.
const NUMBER = /^(-?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))([kKmMgGtT]?)$/;

/**
 * Parse a script number (product.md §1) as an exact `loff_t`.
 *
 * @param token - the word as written, e.g. `0x10k`, `2m`, `-4096`
 * @param negativeOk - true only for a `seek` offset
 * @returns the value in bytes; throws a LineFault if malformed, negative where not allowed,
 *   or outside −2^63…2^63−1. Pure.
 */
export function parseLoff(token: string, negativeOk = false): bigint {
  const m = NUMBER.exec(token);
  if (m === null) return fault(`malformed number '${token}'`);
  const [, sign, hex, dec, suffix] = m;
  if (sign === '-' && !negativeOk) {
    return fault(`negative number '${token}' (only a seek offset may be negative)`);
  }
  const digits = hex !== undefined ? BigInt(`0x${hex}`) : BigInt(dec ?? '');
  const magnitude = digits * (SUFFIX[(suffix ?? '').toLowerCase()] ?? 1n);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value > LOFF_MAX || value < LOFF_MIN) {
    return fault(`number out of range '${token}' (loff_t is -2^63..2^63-1)`);
  }
  return value;
}

/**
 * Parse the BYTE of `-S BYTE`: same syntax as any number, value 0..255.
 *
 * @returns the byte value; throws a LineFault otherwise. Pure.
 */
export function parseByte(token: string): number {
  const v = parseLoff(token);
  if (v > 255n) return fault(`byte outside 0..255 '${token}'`);
  return Number(v);
}

/**
 * Print a byte quantity in canonical script syntax: the largest exact k/m/g/t suffix, else
 * decimal (`2097152` → `2m`, `1536` → `1536`, `-2^63` → `-8388608t`). Pure.
 *
 * @throws RangeError outside the `loff_t` range (no script could hold it)
 */
export function formatLoff(v: bigint): string {
  if (v > LOFF_MAX || v < LOFF_MIN) throw new RangeError(`not a loff_t: ${v}`);
  if (v < 0n) return `-${formatMagnitude(-v)}`;
  return formatMagnitude(v);
}

function formatMagnitude(v: bigint): string {
  if (v === 0n) return '0';
  for (const s of SUFFIX_DESC) {
    const unit = SUFFIX[s] ?? 1n;
    if (v % unit === 0n) return `${v / unit}${s}`;
  }
  return v.toString();
}

/**
 * Print a byte value as `0x` hex (`0xcd`), as xfs_io users write `-S`. Pure.
 *
 * @throws RangeError outside 0..255
 */
export function formatByte(b: number): string {
  if (!Number.isInteger(b) || b < 0 || b > 255) throw new RangeError(`not a byte: ${b}`);
  return `0x${b.toString(16)}`;
}
