import type { Dice } from '../dice.js';

/**
 * One key of `weights`, with probability proportional to its weight (keys of weight 0 never),
 * walking the keys in their insertion order so that the draw is deterministic.
 * @throws RangeError when every weight is 0
 */
export function weighted<K extends string>(d: Dice, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) throw new RangeError('nothing to pick: every weight is 0');
  let r = d.int(0, total - 1);
  for (const [k, w] of entries) {
    if (r < w) return k;
    r -= w;
  }
  throw new RangeError('unreachable: the weights changed during the draw');
}

/** A multiple of `unit` in [0, span − len] (a `len`-byte range that fits), uniformly. */
export function alignedIn(d: Dice, span: number, len: number, unit: number): number {
  return d.int(0, Math.max(0, Math.floor((span - len) / unit))) * unit;
}
