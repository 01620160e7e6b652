import type { AllocationSettings as Packed, SizeHugeSetting } from '../model/index.js';
import { HPAGE_PMD_ORDER, SGP_CODES, codeName, pagesCeil, unpackPerSize, unpackSettings } from '../model/index.js';
import type { ExplanationRow } from '../store/index.js';
import { bytesText, ordersOf, ordersText, pagesText, roundUp, sizeName } from './_orders.js';
import type { AllocationExplanation, FolioRef, OrderStage, TriedOrder } from './explain-result.js';

/** Finds a folio of the file over pages [first, end) as the cache stood before the allocation. */
export type InTheWay = (first: number, end: number) => FolioRef | undefined;

const ALL_FILE_ORDERS = 0x3fe;
const PMD = 1 << HPAGE_PMD_ORDER;

/** What a row says once unpacked, with the stage masks filled in. */
interface Facts {
  readonly s: Packed;
  readonly index: number;
  readonly global: number;
  readonly allowable: number;
  readonly vma: number;
  readonly suitable: number;
  readonly iSize: bigint;
  readonly writeEnd: bigint;
  readonly perSize: SizeHugeSetting[] | null;
}

/** `orders` cut to the first whose aligned block around `index` ends within `size` bytes, and below. Pure. */
function withinSize(orders: number, index: number, size: bigint): number {
  const pages = pagesCeil(size);
  for (const o of ordersOf(orders)) if (pages >= roundUp(index + 1, 2 ** o)) return orders & ((2 << o) - 1);
  return 0;
}

/** Size names of the orders of a mask (`64kB 2048kB`), or `none`. Pure. */
function sizeNames(mask: number): string {
  return ordersOf(mask).map(sizeName).reverse().join(' ') || 'none';
}

/** i_size and write_end as a sentence starts them. Pure. */
function sizesText(f: Facts): string {
  return `i_size ${bytesText(f.iSize)}${f.writeEnd !== 0n ? `, write_end ${bytesText(f.writeEnd)}` : ''}`;
}

function stage(name: OrderStage['stage'], before: number, after: number, why: string): OrderStage {
  return { stage: name, orders: ordersOf(after), removed: ordersOf(before & ~after), why };
}

/** Why the within_size rule kept `kept` of `candidates`. Pure. */
function withinSizeWhy(f: Facts, candidates: number, kept: number): string {
  const removed = ordersOf(candidates & ~kept);
  const smallest = removed.at(-1);
  if (smallest === undefined) return `${sizesText(f)}: every order fits`;
  const needs = bytesText(roundUp(f.index + 1, 2 ** smallest) * 4096);
  const verb = removed.length === 1 ? 'does' : 'do';
  return `${sizesText(f)}: order ${smallest} needs ${needs}, so ${ordersText(candidates & ~kept)} ${verb} not fit`;
}

/** The stages of the superblock's (or the global) policy: shmem_huge_global_enabled(). Pure. */
function globalStages(f: Facts): OrderStage[] {
  const { s } = f;
  const fault = s.vmaKind !== null;
  const source = s.internal ? `shmem_enabled=${s.huge} (the internal mount of memfd, anon and SysV files)`
    : `huge=${s.huge} (tmpfs mount)`;
  if (s.global === 'deny') return [stage('allowable', ALL_FILE_ORDERS, 0, 'shmem_enabled=deny: no large folio on any mount')];
  if (s.global === 'force') return [stage('allowable', ALL_FILE_ORDERS, PMD, 'shmem_enabled=force: PMD on every mount')];
  const candidates = fault ? PMD : ALL_FILE_ORDERS;
  const scope = fault ? 'a fault maps PMD or nothing' : 'no VMA: every order';
  switch (s.huge) {
    case 'always': return [stage('allowable', ALL_FILE_ORDERS, candidates, `${source}, ${scope}`)];
    case 'advise':
    case 'never': {
      const why = s.huge === 'never' ? 'none' : s.hugepage ? 'VM_HUGEPAGE: PMD' : fault ? 'no VM_HUGEPAGE: none' : 'no VMA to madvise: none';
      return [stage('allowable', ALL_FILE_ORDERS, f.global, `${source}: ${why}`)];
    }
    case 'within_size': {
      const fits = withinSize(candidates, f.index, f.iSize > f.writeEnd ? f.iSize : f.writeEnd);
      let why = withinSizeWhy(f, candidates, fits);
      if (fits === 0) why += `; nothing fits, so advise decides: ${s.hugepage ? 'VM_HUGEPAGE: PMD' : 'none'}`;
      return [stage('allowable', ALL_FILE_ORDERS, candidates, `${source}, ${scope}`), stage('within_size', candidates, f.global, why)];
    }
  }
}

/** The per-size mask of an anonymous-shmem VMA: shmem_allowable_huge_orders(). Pure. */
function anonStages(f: Facts): OrderStage[] {
  const { s } = f;
  if (s.global === 'deny') return [stage('allowable', ALL_FILE_ORDERS, 0, 'shmem_enabled=deny: none')];
  const per = f.perSize ?? [];
  const withValue = (v: SizeHugeSetting): number => per.reduce((m, x, o) => (o > 0 && x === v ? m | (1 << o) : m), 0);
  const inherit = withValue('inherit');
  if (s.global === 'force') {
    return [stage('allowable', ALL_FILE_ORDERS, f.allowable, `shmem_enabled=force: the inherit sizes (${sizeNames(inherit)})`)];
  }
  const parts: string[] = [];
  const always = withValue('always');
  if (always) parts.push(`always ${sizeNames(always)}`);
  const ws = withValue('within_size');
  if (ws) {
    const fits = withinSize(ws, f.index, f.iSize);
    parts.push(`within_size ${sizeNames(ws)} (${withinSizeWhy(f, ws, fits)})`);
  }
  const advise = withValue('advise');
  if (advise) parts.push(`advise ${sizeNames(advise)} (${s.hugepage ? 'VM_HUGEPAGE' : 'no VM_HUGEPAGE: ignored'})`);
  if (inherit) {
    const admits = f.global !== 0 ? `shmem_enabled=${s.global} admits PMD here` : `shmem_enabled=${s.global} admits nothing here: ignored`;
    parts.push(`inherit ${sizeNames(inherit)} (${admits})`);
  }
  const why = parts.length > 0 ? `anonymous shmem, per-size knobs: ${parts.join('; ')}` : 'anonymous shmem: every per-size knob is never';
  return [stage('allowable', ALL_FILE_ORDERS, f.allowable, why)];
}

/** Why the VMA kept only `f.vma` of the allowable orders: thp_vma_suitable_order(). Pure. */
function vmaStage(f: Facts, pages: readonly [number, number] | null): OrderStage {
  const removed = f.allowable & ~f.vma;
  if (removed === 0) return stage('vma', f.allowable, f.vma, 'the VMA maps them aligned');
  const misaligned = ordersOf(removed).filter((o) => f.s.misalign % 2 ** o !== 0);
  const outside = ordersOf(removed).filter((o) => f.s.misalign % 2 ** o === 0);
  const why: string[] = [];
  if (misaligned.length > 0) {
    const m = misaligned.reduce((acc, o) => acc | (1 << o), 0);
    const by = bytesText(f.s.misalign * 4096);
    why.push(`order${misaligned.length > 1 ? 's' : ''} ${ordersText(m)}: the VMA is misaligned by ${by} against the file`);
  }
  const o = outside.at(-1);
  if (o !== undefined) {
    const first = f.index - ((f.index + f.s.misalign) % 2 ** o);
    const m = outside.reduce((acc, x) => acc | (1 << x), 0);
    const vma = pages === null ? 'the VMA' : `the VMA (pgoff ${pagesText(pages[0], pages[1])})`;
    const block = `${bytesText(2 ** o * 4096)} block pgoff ${pagesText(first, first + 2 ** o)} is not inside ${vma}`;
    why.push(outside.length > 1 ? `orders ${ordersText(m)} do not fit: order ${o}'s ${block}` : `order ${o}: its ${block}`);
  }
  return stage('vma', f.allowable, f.vma, why.join('; '));
}

/** Why the conflict check kept `f.suitable`: shmem_suitable_orders(). Pure but for `inTheWay`. */
function conflictStage(f: Facts, inTheWay: InTheWay): OrderStage {
  const removed = ordersOf(f.vma & ~f.suitable);
  const o = removed.at(-1);
  if (o === undefined) return stage('conflicts', f.vma, f.suitable, 'nothing in the way');
  const first = f.index - (f.index % 2 ** o);
  const hit = inTheWay(first, first + 2 ** o);
  const what = hit === undefined ? 'a folio' : `folio ${hit.pgoff}:${hit.order}`;
  const rest = f.suitable === 0 ? ': no large order left (the huge attempt is skipped)' : '';
  const which = removed.length > 1 ? `orders ${ordersText(f.vma & ~f.suitable)}: ` : '';
  const range = pagesText(first, first + 2 ** o);
  return stage('conflicts', f.vma, f.suitable, `${which}order ${o}'s range pgoff ${range} already holds ${what}${rest}`);
}

/**
 * The allocation loop: shmem_alloc_and_add_folio(), then order 0. `shrunk`: folios the EOF
 * shrinker split for this allocation when the `size=` limit first refused it. Pure.
 */
function tried(f: Facts, order: number | null, shrunk: number): TriedOrder[] {
  const high = ordersOf(f.suitable)[0];
  const out: TriedOrder[] = [];
  if (high !== undefined && order !== high) {
    const why = `the size= limit has no room for ${2 ** high} pages even after the EOF shrinker: order 0 directly`;
    out.push({ order: high, result: 'size_limit', why });
  }
  if (order === null) {
    out.push({ order: 0, result: 'ENOSPC', why: 'the size= limit has no room even for one page (ENOSPC)' });
  } else if (order === high) {
    const split = shrunk === 1 ? 'a folio' : `${shrunk} folios`;
    const room = shrunk > 0 ? ` (the size= limit had room once the EOF shrinker split ${split})` : '';
    out.push({ order, result: 'allocated', why: `the highest suitable order${room}` });
  } else {
    out.push({ order: 0, result: 'allocated', why: high === undefined ? 'no large order is suitable' : 'order 0' });
  }
  return out;
}

/**
 * Explain one `explanations` row of kind allocation: kernel.md §2's stages with the values in
 * force, the orders tried and the order allocated. `folios` are the folios the row covers;
 * `inTheWay` looks up the cache before the allocation; `shrunk` counts the EOF shrinker's
 * splits for it. Pure but for `inTheWay`.
 */
export function explainAllocation(row: ExplanationRow, file: string, folios: readonly FolioRef[], inTheWay: InTheWay,
  shrunk = 0): AllocationExplanation {
  const s = unpackSettings(row.settings ?? 0);
  const global = row.globalOrders ?? 0;
  const allowable = row.allowableOrders ?? global;
  const vma = row.vmaOrders ?? allowable;
  const first = folios[0];
  const f: Facts = {
    s, index: row.pgoff ?? first?.pgoff ?? 0, global, allowable, vma, suitable: row.suitableOrders ?? vma,
    iSize: row.iSize ?? 0n, writeEnd: row.writeEnd ?? 0n, perSize: row.perSize === null ? null : unpackPerSize(row.perSize),
  };
  const stages = s.nohugepage ? [stage('allowable', ALL_FILE_ORDERS, 0, 'VM_NOHUGEPAGE on the VMA: none')]
    : s.vmaKind === 'anon' ? anonStages(f) : globalStages(f);
  const pages = row.vmaStart === null || row.vmaEnd === null ? null : [row.vmaStart, row.vmaEnd] as const;
  if (s.vmaKind !== null && allowable !== 0) stages.push(vmaStage(f, pages));
  if (vma !== 0) stages.push(conflictStage(f, inTheWay));
  const sgp = codeName(SGP_CODES, row.cause ?? 0) ?? 'write';
  const order = first?.order ?? null;
  return {
    file, folios, lookup: sgp === 'cache' ? 'fault' : sgp, pgoff: f.index,
    settings: {
      shmem_enabled: s.global, huge: s.huge, mount: s.internal ? 'internal' : 'tmpfs',
      per_size: f.perSize === null ? null : Object.fromEntries(f.perSize.slice(1).map((v, k) => [sizeName(k + 1), v])),
      vma: s.vmaKind === null ? null : { kind: s.vmaKind, misalign: s.misalign, hugepage: s.hugepage, nohugepage: s.nohugepage, pages },
      i_size: row.iSize, write_end: row.writeEnd,
    },
    stages, tried: tried(f, order, shrunk), order,
  };
}
