import { HPAGE_PMD_NR } from './arch.js';
import type { AllocationDecision, VmaFacts } from './decisions.js';
import type { Folio } from './folio.js';
import { hugeGlobalEnabled } from './huge-orders.js';
import type { Inode } from './inode.js';
import type { ThpSettings } from './settings.js';
import type { OrderMask } from './units.js';
import type { Vma } from './vma.js';
import { vmaAddress, vmaSuitableOrders } from './vma.js';

/** The VMA as order selection sees it. Pure. */
function vmaFacts(vma: Vma): VmaFacts {
  const misalign = (((vma.start - vma.pgoff) % HPAGE_PMD_NR) + HPAGE_PMD_NR) % HPAGE_PMD_NR;
  return {
    kind: vma.kind, start: vma.pgoff, end: vma.pgoff + (vma.end - vma.start), misalign,
    hugepage: vma.hugepage, nohugepage: vma.nohugepage,
  };
}

/**
 * The order chain of kernel.md §2 behind one allocation for page `index`: every stage's mask
 * and the values it read. `allowable` and `suitable` are what the lookup computed before it
 * allocated (the conflict check must see the page cache as it was); the other stages read
 * nothing the allocation changes. Only runs when a DecisionSink is attached. Pure.
 * Mirrors: the stages of mm/shmem.c shmem_get_folio_gfp() (see huge-orders.ts).
 */
export function allocationDecision(thp: ThpSettings, inode: Inode, index: number, writeEnd: bigint,
  sgp: AllocationDecision['sgp'], allowable: OrderMask, suitable: OrderMask, vma: Vma | undefined,
  folio: Folio | undefined): AllocationDecision {
  const internal = inode.sb.kind === 'internal';
  // One literal, no spreads: this runs once per allocation of a recorded run.
  return {
    type: 'allocation', sgp, file: inode.id, index,
    folio: folio?.id ?? null, folioIndex: folio?.index ?? -1, order: folio?.order ?? -1,
    global: thp.global, huge: internal ? thp.shmMntHuge : inode.sb.huge, internal,
    vma: vma ? vmaFacts(vma) : null,
    perSize: vma?.kind === 'anon' ? thp.perSize.slice() : null,
    iSize: inode.iSize, writeEnd,
    globalOrders: hugeGlobalEnabled(thp, inode, index, writeEnd, vma),
    allowableOrders: allowable,
    vmaOrders: vma ? vmaSuitableOrders(vma, vmaAddress(vma, index), allowable) as OrderMask : allowable,
    suitableOrders: suitable,
  };
}
