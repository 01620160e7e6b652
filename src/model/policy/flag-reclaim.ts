import type { ShmemCtx } from '../context.js';
import type { Folio } from '../folio.js';
import { folioNextIndex } from '../folio.js';
import { removeFolio } from '../folio-ops.js';
import type { Inode } from '../inode.js';
import { splitFolio } from '../split.js';
import { pagePos } from '../units.js';

/** The pages a failed punch or truncate meant to free from one folio: `[first, end)` ranges. */
interface Flagged {
  readonly inode: Inode;
  readonly ranges: Array<readonly [number, number]>;
}

/**
 * `flag-reclaim` (linux-mm, May 2024): a folio whose split fails in a punch or truncate (it is
 * pinned) becomes a reclaim candidate, remembering the pages the punch meant to free; a later
 * reclaim retries the split once nothing pins the folio, and frees those pages that still hold
 * no written data (a write since may have filled some). A candidate whose split fails again
 * stays one. Not in 6.18, where the zeroed pages stay until the folio goes.
 */
export class FlagReclaim {
  readonly #flagged = new Map<Folio, Flagged>();

  /** Candidates held (folios still in a page cache or not: `reclaim` forgets the gone ones). */
  get size(): number {
    return this.#flagged.size;
  }

  /** Whether `folio` is one of this policy's reclaim candidates. Pure. */
  marks(folio: Folio): boolean {
    return this.#flagged.has(folio);
  }

  /**
   * A punch or truncate could not split `folio`: pages [first, end) of it, which it meant to
   * free, stay (zeroed). The folio becomes a candidate (`folio_reclaim_marked`, unless the EOF
   * shrinker's mark is already on it).
   */
  splitFailed(ctx: ShmemCtx, inode: Inode, folio: Folio, first: number, end: number): void {
    const f = this.#flagged.get(folio) ?? { inode, ranges: [] };
    if (end > first) f.ranges.push([first, end]);
    this.#flagged.set(folio, f);
    if (!folio.reclaimMarked) {
      folio.reclaimMarked = true;
      ctx.sink.emit({ type: 'folio_reclaim_marked', folio: folio.id });
    }
  }

  /**
   * After the shrinkers of a reclaim: each candidate still in its page cache is split to order
   * 0 (the EOF shrinker's split, cause `reclaim`); when that works, the pages it was flagged for
   * that hold no written data are freed, and it stops being a candidate. A pinned one stays
   * (`split_failed` again). Candidates in index order per file, files in creation order.
   * @returns pages freed.
   */
  reclaim(ctx: ShmemCtx): number {
    let freed = 0;
    const order = [...this.#flagged].sort(([a], [b]) => a.file - b.file || a.index - b.index);
    for (const [folio, f] of order) {
      if (f.inode.cache.lookup(folio.index) !== folio) {
        this.#flagged.delete(folio);
        continue;
      }
      if (!splitFolio(ctx, f.inode, folio, 'reclaim')) continue;
      this.#flagged.delete(folio);
      for (const [first, end] of f.ranges) freed += this.#free(ctx, f.inode, first, end);
    }
    return freed;
  }

  /** Free the order-0 folios of pages [first, end) that hold no written data. @returns pages freed. */
  #free(ctx: ShmemCtx, inode: Inode, first: number, end: number): number {
    let freed = 0;
    for (const piece of inode.cache.rangeArray(first, end)) {
      if (piece.order !== 0 || piece.index < first || folioNextIndex(piece) > end || piece.pins > 0) continue;
      const next = pagePos(piece.index + 1);
      if (inode.content.firstWritten(pagePos(piece.index), next) < next) continue;
      removeFolio(ctx, inode, piece);
      freed++;
    }
    return freed;
  }
}
