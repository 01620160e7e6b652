import type { FolioTriple } from '../script/index.js';

/**
 * A page-cache layout in kernel.md's notation: `0:9 512-515:0` — `pgoff:order` per folio,
 * consecutive order-0 folios joined as `first-last:0`, a `!` after folios that are not
 * uptodate. Empty cache: `(empty)`. Pure.
 */
export function layoutText(folios: readonly FolioTriple[], limit = 24): string {
  const parts: string[] = [];
  let k = 0;
  // Past `limit` runs the rest is only counted: a row costs its shown part, not the whole cache.
  while (k < folios.length && parts.length <= limit) {
    const [start, order, up] = folios[k]!;
    let end = k;
    while (end + 1 < folios.length) {
      const [p, o, u] = folios[end + 1]!;
      const [pp] = folios[end]!;
      if (order !== 0 || o !== 0 || u !== up || p !== pp + 1) break;
      end++;
    }
    const last = folios[end]![0];
    parts.push(`${end > k ? `${start}-${last}` : start}:${order}${up ? '' : '!'}`);
    k = end + 1;
  }
  if (parts.length === 0) return '(empty)';
  return parts.length > limit ? `${parts.slice(0, limit).join(' ')} … (${folios.length} folios)` : parts.join(' ');
}
