import { HPAGE_PMD_ORDER } from '../model/index.js';
/*
 * Small pure helpers explain's sentences share: order masks, sizes, page ranges.
 */

/** The orders of a mask, highest first. Pure. */
export function ordersOf(mask: number): number[] {
  const out: number[] = [];
  for (let o = HPAGE_PMD_ORDER; o >= 0; o--) if (mask & (1 << o)) out.push(o);
  return out;
}

/** A mask as runs of orders, highest first: `9-4`, `3-1`, `9 4`, `none`. Pure. */
export function ordersText(mask: number): string {
  const orders = ordersOf(mask);
  if (orders.length === 0) return 'none';
  const runs: string[] = [];
  for (let k = 0; k < orders.length;) {
    let j = k;
    while (j + 1 < orders.length && orders[j + 1] === orders[j]! - 1) j++;
    runs.push(j === k ? `${orders[k]}` : `${orders[k]}-${orders[j]}`);
    k = j + 1;
  }
  return runs.join(' ');
}

/** Bytes as people say them: `60 KiB`, `2 MiB`, `1028 KiB`, `100 bytes`. Pure. */
export function bytesText(n: bigint | number): string {
  const b = BigInt(n);
  if (b === 0n) return '0';
  if (b !== 0n && b % (1n << 30n) === 0n) return `${b >> 30n} GiB`;
  if (b !== 0n && b % (1n << 20n) === 0n) return `${b >> 20n} MiB`;
  if (b !== 0n && b % 1024n === 0n) return `${b >> 10n} KiB`;
  return `${b} bytes`;
}

/** The per-size knob name of an order: `64kB`. Pure. */
export function sizeName(order: number): string {
  return `${4 << order}kB`;
}

/** Pages `[first, end)` as `first-last` (one page: `first`). Pure. */
export function pagesText(first: number, end: number): string {
  return end - first === 1 ? `${first}` : `${first}-${end - 1}`;
}

/** Round `index` up to a multiple of `nr`. Pure. */
export function roundUp(index: number, nr: number): number {
  const r = index % nr;
  return r === 0 ? index : index + nr - r;
}

/** `n thing` or `n things`. Pure. */
export function plural(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}
