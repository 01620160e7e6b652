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
 * stays one. When a candidate is split otherwise (a later punch, once unpinned), its large
 * pieces that hold flagged pages become candidates in its place and its order-0 ones wait for
 * the next reclaim, so nothing a failed punch meant to free outlives the pins. Not in 6.18,
 * where the zeroed pages stay until the folio goes.
 */
export class FlagReclaim {
  readonly #flagged = new Map<Folio, Flagged>();
  /** Flagged pages now in order-0 folios (or gone), to free at the next reclaim. */
  readonly #loose: Flagged[] = [];
  /** Splits retried so far (successful or not). */
  retries = 0;

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
    this.#flag(ctx, inode, folio, end > first ? [[first, end]] : []);
  }

  #flag(ctx: ShmemCtx, inode: Inode, folio: Folio, ranges: ReadonlyArray<readonly [number, number]>): void {
    const f = this.#flagged.get(folio) ?? { inode, ranges: [] };
    f.ranges.push(...ranges);
    this.#flagged.set(folio, f);
    if (!folio.reclaimMarked) {
      folio.reclaimMarked = true;
      ctx.sink.emit({ type: 'folio_reclaim_marked', folio: folio.id });
    }
  }

  /**
   * `folio` was split into `pieces` (by a retry or otherwise): a candidate hands its flagged
   * pages on — large pieces holding some become candidates, the rest wait in `#loose`.
   */
  split(ctx: ShmemCtx, inode: Inode, folio: Folio, pieces: readonly Folio[]): void {
    const f = this.#flagged.get(folio);
    if (f === undefined) return;
    this.#flagged.delete(folio);
    const loose: Array<[number, number]> = [];
    for (const [first, end] of f.ranges) {
      for (const piece of pieces) {
        const [a, b] = [Math.max(first, piece.index), Math.min(end, folioNextIndex(piece))];
        if (a >= b) continue;
        if (piece.order > 0 && inode.cache.lookup(piece.index) === piece) this.#flag(ctx, inode, piece, [[a, b]]);
        else loose.push([a, b]);
      }
    }
    if (loose.length > 0) this.#loose.push({ inode, ranges: loose });
  }

  /**
   * After the shrinkers of a reclaim: each candidate still in its page cache is split to order
   * 0 (cause `retry`), which hands its flagged pages to the loose ones; a pinned one stays
   * (`split_failed` again). Then the loose pages that are order-0 folios holding no written
   * data and no pin are freed; a pinned one waits for the next reclaim. Candidates in index
   * order per file, files in creation order.
   * @returns pages freed.
   */
  reclaim(ctx: ShmemCtx): number {
    const order = [...this.#flagged].sort(([a], [b]) => a.file - b.file || a.index - b.index);
    for (const [folio, f] of order) {
      if (f.inode.cache.lookup(folio.index) !== folio) {
        this.#flagged.delete(folio);
        continue;
      }
      this.retries++;
      splitFolio(ctx, f.inode, folio, 'retry');
    }
    let freed = 0;
    const waiting = this.#loose.splice(0);
    for (const f of waiting) {
      const left: Array<[number, number]> = [];
      for (const [first, end] of f.ranges) {
        const r = this.#free(ctx, f.inode, first, end);
        freed += r.freed;
        if (r.pinned) left.push([first, end]);
      }
      if (left.length > 0) this.#loose.push({ inode: f.inode, ranges: left });
    }
    return freed;
  }

  /**
   * Free the order-0 folios of pages [first, end) that hold no written data and no pin.
   * @returns pages freed, and whether a pinned one was left.
   */
  #free(ctx: ShmemCtx, inode: Inode, first: number, end: number): { freed: number; pinned: boolean } {
    let freed = 0;
    let pinned = false;
    for (const piece of inode.cache.rangeArray(first, end)) {
      if (piece.order !== 0 || piece.index < first || folioNextIndex(piece) > end) continue;
      const next = pagePos(piece.index + 1);
      if (inode.content.firstWritten(pagePos(piece.index), next) < next) continue;
      if (piece.pins > 0) {
        pinned = true;
        continue;
      }
      removeFolio(ctx, inode, piece);
      freed++;
    }
    return { freed, pinned };
  }
}
