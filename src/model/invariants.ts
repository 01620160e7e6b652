import { invariant, InvariantError } from './errno.js';
import type { Folio } from './folio.js';
import { folioNextIndex } from './folio.js';
import { shrinkerTarget } from './folio-ops.js';
import type { Inode, Superblock } from './inode.js';
import { HPAGE_PMD_ORDER } from './arch.js';

function fail(f: Folio, what: string): never {
  throw new InvariantError(`folio ${f.id}${what}`);
}

/**
 * Folios aligned, ordered, non-overlapping; page counts and the reclaim mark agree; when
 * `settled`, the reclaim candidate is the shrinker's target (an operation re-derives it when it
 * ends, so not while one is in flight).
 */
function checkInode(inode: Inode, settled: boolean, marks: (f: Folio) => boolean): number {
  let pages = 0;
  let folios = 0;
  let prevEnd = 0;
  // Tests, not invariant() calls: their messages would be built for every folio of every check.
  inode.cache.forEach((f) => {
    if (!(f.order >= 0 && f.order <= HPAGE_PMD_ORDER)) fail(f, `: order ${f.order}`);
    if (f.index % (1 << f.order) !== 0) fail(f, ` at ${f.index} is not aligned to its order ${f.order}`);
    if (f.index < prevEnd) fail(f, ` at ${f.index} overlaps the folio before it`);
    if (f.file !== inode.id) fail(f, ` belongs to file ${f.file}, found in file ${inode.id}`);
    if (f.reclaimMarked !== (inode.reclaimFolio === f || marks(f))) fail(f, ': reclaim mark out of step');
    if (!(Number.isInteger(f.pins) && f.pins >= 0)) fail(f, `: ${f.pins} pins`);
    prevEnd = folioNextIndex(f);
    pages += 1 << f.order;
    folios++;
  });
  invariant(pages === inode.cache.nrPages, `file ${inode.id}: ${pages} pages held, ${inode.cache.nrPages} counted`);
  invariant(folios === inode.cache.nrFolios, `file ${inode.id}: folio count out of step`);
  if (settled) invariant(inode.reclaimFolio === shrinkerTarget(inode), `file ${inode.id}: reclaim candidate out of step`);
  invariant(Number.isSafeInteger(inode.fallocEnd) && inode.fallocEnd >= 0, `file ${inode.id}: fallocend ${inode.fallocEnd}`);
  return pages;
}

/**
 * Every superblock: its block accounting equals the pages its files hold and stays within its
 * `size=` limit; its shrinklist holds only its own inodes. Throws InvariantError.
 * @param settled - false while an operation is in flight (tasks): what operations re-derive
 *   when they end (the reclaim candidate) is not checked
 * @param marks - whether the what-if policy holds a folio as a reclaim candidate (its mark is set too)
 */
export function checkInvariants(superblocks: readonly Superblock[], files: Iterable<Inode> = [], settled = true,
  marks: (f: Folio) => boolean = () => false): void {
  const bySb = new Map<Superblock, number>();
  for (const inode of files) bySb.set(inode.sb, (bySb.get(inode.sb) ?? 0) + checkInode(inode, settled, marks));
  for (const sb of superblocks) {
    const pages = bySb.get(sb);
    if (pages !== undefined) invariant(pages === sb.usedBlocks, `superblock: ${sb.usedBlocks} blocks used, files hold ${pages}`);
    invariant(sb.maxBlocks === 0 || sb.usedBlocks <= sb.maxBlocks, `superblock: ${sb.usedBlocks} blocks used, limit ${sb.maxBlocks}`);
    for (const inode of sb.shrinklist) invariant(inode.sb === sb, `file ${inode.id} is on another superblock's shrinklist`);
  }
}
