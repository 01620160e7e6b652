import { PAGE_SHIFT } from './arch.js';
import type { ShmemCtx } from './context.js';
import type { Folio } from './folio.js';
import { folioNextIndex } from './folio.js';
import { shrinkGain, updateReclaimCandidate } from './folio-ops.js';
import type { Inode, Superblock } from './inode.js';
import { splitFolio } from './split.js';

/** Inodes one call takes off the list when no shrink_control gives a count. */
const SHRINK_BATCH = 128;

/**
 * A folio being allocated for `inode` that sits, locked, in the kernel's page cache while its
 * blocks are charged (the model adds it only once charged): the shrinker meets it as a
 * locked folio.
 */
export interface PendingFolio {
  readonly inode: Inode;
  readonly index: number;
  readonly order: number;
}

type Verdict = 'drop' | 'keep' | { readonly folio: Folio; readonly end: number };

/** What the shrinker does with one inode: drop it, keep it on the list, or split its EOF folio. */
function examine(inode: Inode, pending: PendingFolio | undefined): Verdict {
  const eof = Number(inode.iSize >> BigInt(PAGE_SHIFT));
  const folio = inode.cache.lookup(eof);
  const locked = !folio && pending?.inode === inode && eof >= pending.index && eof < pending.index + 2 ** pending.order;
  const index = folio ? folio.index : locked ? pending.index : -1;
  const order = folio ? folio.order : locked ? pending.order : 0;
  // A hole, or no large folio at the end of the file: nothing to split.
  if (index < 0 || order === 0) return 'drop';
  // Anything to gain from splitting? Not when max(EOF, fallocend) lies outside the folio.
  const end = shrinkGain(inode, index, order);
  if (end === undefined) return 'drop';
  // folio_trylock() fails on the folio being allocated: the inode goes back on the list.
  if (!folio) return 'keep';
  return { folio, end };
}

/**
 * Split the EOF folios of the superblock's shrinklist to free what lies past
 * max(EOF, fallocend). Takes up to `batch` inodes off the list, moving each to the head of a
 * private list, so they are walked newest first (measured: size=7m, files a, b, c each holding
 * a PMD folio past EOF, a fourth file's 4K write splits c and b, not a). For each: a hole or an
 * order-0 folio at the EOF page, or `end` outside the folio, drops the inode from the list; a
 * locked folio (`pending`) or a failed (pinned) split puts it back at the head; otherwise the
 * folio is split uniformly to order 0 (`split +1` for its order, pieces past `end` dropped by
 * the split) and the inode leaves the list. Once `nrToFree` pages (0 = no limit) were freed,
 * the remaining inodes go back untouched. Reclaim marks of every inode walked are re-derived.
 * @returns the number of folios split.
 * Mirrors: mm/shmem.c shmem_unused_huge_shrink().
 */
export function unusedHugeShrink(ctx: ShmemCtx, sb: Superblock, nrToFree: number,
  pending?: PendingFolio, batch: number = SHRINK_BATCH): number {
  const taken = [...sb.shrinklist].slice(0, batch);
  for (const inode of taken) sb.shrinklist.delete(inode);
  const moveBack: Inode[] = [];
  let freed = 0;
  let split = 0;
  for (const inode of taken.reverse()) {
    if (nrToFree !== 0 && freed >= nrToFree) {
      moveBack.push(inode);
      continue;
    }
    const v = examine(inode, pending);
    if (v === 'keep') moveBack.push(inode);
    else if (v !== 'drop') {
      const next = folioNextIndex(v.folio);
      if (!splitFolio(ctx, inode, v.folio, pending ? 'size_limit' : 'reclaim')) moveBack.push(inode);
      else {
        freed += next - v.end;
        split++;
      }
    }
  }
  // list_move() to the head, one inode after the other.
  const rest = [...sb.shrinklist];
  sb.shrinklist.clear();
  for (const inode of [...moveBack.reverse(), ...rest]) sb.shrinklist.add(inode);
  for (const inode of taken) updateReclaimCandidate(ctx, inode);
  return split;
}
