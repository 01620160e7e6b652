import type { FolioTriple } from '../script/index.js';

/**
 * A page-cache layout in kernel.md's notation: `0:9 512-515:0` — `pgoff:order` per folio,
 * consecutive order-0 folios joined as `first-last:0`, a `!` after folios that are not
 * uptodate. Empty cache: `(empty)`. Past `limit` runs the rest is only counted — by `count`
 * when given (a walk of a large page cache stops there), else by reading on — so a row costs
 * its shown part. Pure.
 */
export function layoutText(folios: Iterable<FolioTriple>, limit = 24, count?: number): string {
  const parts: string[] = [];
  let seen = 0;
  let run: [start: number, last: number, order: number, up: 0 | 1] | undefined;
  const it = folios[Symbol.iterator]();
  for (let r = it.next(); !r.done; r = it.next()) {
    const [p, o, u] = r.value;
    seen++;
    if (run !== undefined && run[2] === 0 && o === 0 && run[3] === u && p === run[1] + 1) {
      run[1] = p;
      continue;
    }
    if (run !== undefined) parts.push(runText(run));
    run = [p, p, o, u];
    if (parts.length === limit) break;
  }
  if (run === undefined) return '(empty)';
  if (parts.length < limit) return [...parts, runText(run)].join(' ');
  if (count === undefined) for (let r = it.next(); !r.done; r = it.next()) seen++;
  return `${parts.join(' ')} … (${count ?? seen} folios)`;
}

function runText([start, last, order, up]: readonly [number, number, number, 0 | 1]): string {
  return `${last > start ? `${start}-${last}` : start}:${order}${up ? '' : '!'}`;
}
