import type { Folio } from './folio.js';
import type { Inode } from './inode.js';
import type { Steps, Wait } from './steps.js';

/**
 * Wait until nobody holds `folio` locked (the waiting half of folio_lock(); the model's
 * punch takes no lock of its own: it yields nowhere while it holds one).
 * @returns whether the folio is still in `inode`'s page cache (it may have been removed or
 *   split while the caller waited).
 */
export function* waitUnlocked(inode: Inode, folio: Folio): Steps<boolean> {
  if (folio.locked) {
    const wait: Wait = { waitFor: 'folio-lock', ready: () => !folio.locked };
    while (folio.locked) yield wait;
  }
  return inode.cache.lookup(folio.index) === folio;
}

/**
 * Wait until the punch published on `inode` ends, when it covers page `index` (kernel.md §7).
 * @returns true when the caller waited (the fault then retries from the start).
 * Mirrors: mm/shmem.c shmem_falloc_wait().
 */
export function* waitForPunch(inode: Inode, index: number): Steps<boolean> {
  const p = inode.punch;
  if (p === undefined || !punchCovers(inode, index)) return false;
  const wait: Wait = { waitFor: 'punch', ready: () => inode.punch !== p };
  while (inode.punch === p) yield wait;
  return true;
}

/** Whether a punch in progress on `inode` covers page `index`. Pure. */
export function punchCovers(inode: Inode, index: number): boolean {
  const p = inode.punch;
  return p !== undefined && index >= p.start && index < p.next;
}
