import { HPAGE_PMD_ORDER, PAGE_SHIFT, PAGE_SIZE } from './arch.js';

declare const brand: unique symbol;
/** A nominal type: `T` that only smart constructors produce. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Page-cache position, in 4 KiB pages (`pgoff_t`). Always < 2^51, so a `number`. */
export type Pgoff = Brand<number, 'Pgoff'>;
/** Byte position, length or file size (`loff_t`, −2^63…2^63−1). */
export type Loff = Brand<bigint, 'Loff'>;
/** Folio order, 0…HPAGE_PMD_ORDER. */
export type Order = Brand<number, 'Order'>;
/** Set of orders: bit `o` set when order `o` is in the set. */
export type OrderMask = Brand<number, 'OrderMask'>;
/** Per-run folio identifier, in allocation order, starting at 1. */
export type FolioId = Brand<number, 'FolioId'>;
/** Per-run file identifier, in creation order, starting at 1. */
export type FileId = Brand<number, 'FileId'>;

/** Smart constructor for `Pgoff`. Throws on a negative or non-integer value. Pure. */
export function pgoff(n: number): Pgoff {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad pgoff ${n}`);
  return n as Pgoff;
}

/** Smart constructor for `Loff`. Throws outside the `loff_t` range. Pure. */
export function loff(n: bigint | number): Loff {
  const v = BigInt(n);
  if (v < -(1n << 63n) || v >= 1n << 63n) throw new RangeError(`bad loff ${v}`);
  return v as Loff;
}

/** Smart constructor for `Order`. Throws outside 0…HPAGE_PMD_ORDER. Pure. */
export function order(n: number): Order {
  if (!Number.isInteger(n) || n < 0 || n > HPAGE_PMD_ORDER) throw new RangeError(`bad order ${n}`);
  return n as Order;
}

/** The empty order set. */
export const NO_ORDERS = 0 as OrderMask;

/** Build an order set from orders. Pure. */
export function orderMask(...orders: readonly number[]): OrderMask {
  let m = 0;
  for (const o of orders) m |= 1 << order(o);
  return m as OrderMask;
}

/** Orders `lo…hi` inclusive as a set. Pure. */
export function orderRange(lo: number, hi: number): OrderMask {
  let m = 0;
  for (let o = lo; o <= hi; o++) m |= 1 << o;
  return m as OrderMask;
}

/** Highest order in a non-empty set, or -1. Mirrors: highest_order(). Pure. */
export function highestOrder(m: OrderMask): number {
  return m === 0 ? -1 : 31 - Math.clz32(m);
}

/** Next lower order in the set below `o`, or -1. Mirrors: next_order(). Pure. */
export function nextOrder(m: OrderMask, o: number): number {
  return highestOrder((m & ((1 << o) - 1)) as OrderMask);
}

/** Round a page index down to a multiple of `nr` (a power of two). Pure. */
export function roundDown(index: number, nr: number): number {
  return index - (index % nr);
}

/** Round a page index up to a multiple of `nr` (a power of two). Pure. */
export function roundUp(index: number, nr: number): number {
  const r = index % nr;
  return r === 0 ? index : index + nr - r;
}

/** Largest byte position a `number` holds exactly, as a `bigint`. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

// Below 2^53 the page arithmetic runs on numbers: bigint arithmetic allocates, and these run
// several times per page written.

/** Page containing byte `pos` (floor). Pure. */
export function pageOf(pos: bigint): number {
  if (pos >= 0n && pos <= MAX_EXACT) return Math.floor(Number(pos) / PAGE_SIZE);
  return Number(pos >> BigInt(PAGE_SHIFT));
}

/** Pages needed to hold `pos` bytes (ceil). Pure. */
export function pagesCeil(pos: bigint): number {
  if (pos >= 0n && pos <= MAX_EXACT) return Math.ceil(Number(pos) / PAGE_SIZE);
  return Number((pos + BigInt(PAGE_SIZE - 1)) >> BigInt(PAGE_SHIFT));
}

/** Byte position of page `index`. Pure. */
export function pagePos(index: number): bigint {
  return BigInt(index) << BigInt(PAGE_SHIFT);
}
