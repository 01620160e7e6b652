import type { CollapseResult, SplitCause } from '../model/index.js';
import {
  COLLAPSE_CONTEXT_CODES, COLLAPSE_RESULT_CODES, EVENT_CODES, HPAGE_PMD_NR, SPLIT_CAUSE_CODES, codeName,
} from '../model/index.js';
import type { ExplanationRow, FolioEventRow } from '../store/index.js';
import { pagesText, plural } from './_orders.js';
import type { CollapseExplanation, FolioRef, PinTaker, SplitExplanation } from './explain-result.js';

/** A folio with the file it lives in. */
export interface KnownFolio extends FolioRef {
  readonly file: number;
  readonly bornSeq: number;
}

/** What split and collapse explanations look up in the store. */
export interface ChangeLookups {
  /** The operation's folio events, in seq order. */
  readonly events: readonly FolioEventRow[];
  folio(id: number): KnownFolio;
  fileName(id: number): string;
  /** The pins `folio` held after event `seq`, and the operations that took them. */
  pins(folio: KnownFolio, seq: number): { readonly count: number; readonly by: readonly PinTaker[] };
}

const ref = (f: FolioRef): FolioRef => ({ id: f.id, pgoff: f.pgoff, order: f.order });

/** Why a split happened (or was tried), by cause; `after`: the second split, around the page after the range. Pure. */
function splitWhy(cause: SplitCause, f: FolioRef, at: number | null, after: boolean): string {
  const name = `${f.pgoff}:${f.order}`;
  if (after) {
    const what = cause === 'unfalloc' ? 'the range undone' : 'the punch';
    return `${name} holds page ${at}, the first page after ${what}: split again, to order 0 around it (even when the range ends on its boundary)`;
  }
  const around = at === null ? 'split uniformly to order 0' : `split to order 0 around page ${at}`;
  switch (cause) {
    case 'punch': return `a punch covers part of ${name} (zeroed there): ${around}, the first page it punches`;
    case 'truncate':
      return `the truncate's new EOF falls inside ${name} (zeroed past it): ${around}, the EOF page; pieces past max(EOF, fallocend) go`;
    case 'unfalloc': return `fallocate hit the size= limit and undoes the folios it added; ${name} reaches out of the range: ${around}`;
    case 'reclaim':
      return `the EOF shrinker (reclaim): ${name} holds the EOF page and reaches past max(EOF, fallocend): ${around}, freeing what lies past it`;
    case 'size_limit':
      return `the EOF shrinker, run by an allocation the size= limit refused: ${name} reaches past max(EOF, fallocend): ${around}, `
        + 'freeing what lies past it';
    case 'retry':
      return `flag-reclaim: reclaim retries ${name}, a candidate since a punch could not split it: ${around}, `
        + 'freeing the pages the punch meant to free that hold no data';
    case 'scan': return `zeropage-scan: the scanner found pages of ${name} that hold only zeros: ${around}, freeing them`;
  }
}

/** The k-th event of `type` on `folio` in the operation (k from 0). */
function nthEvent(events: readonly FolioEventRow[], type: number, folio: number, k: number): FolioEventRow | undefined {
  let seen = 0;
  for (const e of events) if (e.event === type && e.folio === folio && seen++ === k) return e;
  return undefined;
}

/** One `explanations` row of kind split. `k`: how many earlier rows tried the same folio the same way. */
export function explainSplit(row: ExplanationRow, k: number, look: ChangeLookups): SplitExplanation {
  const cause = codeName(SPLIT_CAUSE_CODES, row.cause ?? 0) ?? 'punch';
  const folio = look.folio(row.folio!);
  const ok = row.result !== 0;
  const after = row.result === 2;
  const base = { file: look.fileName(folio.file), folio: ref(folio), cause, at: row.pgoff, ok };
  if (!ok) {
    const failed = nthEvent(look.events, EVENT_CODES.folio_split_failed, folio.id, k);
    const pins = look.pins(folio, failed?.seq ?? Number.MAX_SAFE_INTEGER);
    const by = pins.by.map((p) => `i ${p.i} (line ${p.line}: ${p.op})`).join(', ');
    const refusal = `refused: ${plural(row.nr ?? pins.count, 'pin')} on it${by ? `, taken by ${by}` : ''}`;
    return { ...base, why: splitWhy(cause, folio, row.pgoff, after), refusal, pieces: [], pins };
  }
  const freed = new Set(look.events.filter((e) => e.event === EVENT_CODES.folio_removed).map((e) => e.folio));
  const pieces = look.events.filter((e) => e.event === EVENT_CODES.folio_added && e.parent === folio.id)
    .map((e) => ({ id: e.folio, pgoff: e.pgoff, order: e.order, freed: freed.has(e.folio) }))
    .sort((a, b) => a.pgoff - b.pgoff);
  return { ...base, why: splitWhy(cause, folio, row.pgoff, after), refusal: null, pieces, pins: null };
}

/** Why a block (or VMA) came out as it did. Pure. */
function collapseWhy(result: CollapseResult, row: ExplanationRow, merged: number, pages: string): string {
  const present = row.nr ?? 0;
  switch (result) {
    case 'collapsed': return `${present} of ${HPAGE_PMD_NR} pages present (${HPAGE_PMD_NR - present} filled with zeroes): ${plural(merged, 'folio')} merged into one PMD folio`;
    case 'pmd': return 'already a PMD folio: nothing to collapse';
    case 'fallocated_pmd': return 'EINVAL: a PMD folio that is not uptodate (fallocated) is not taken as collapsed; the walk stops here';
    case 'pinned': return 'EAGAIN: a folio in the block is pinned';
    case 'max_ptes_none': return `${present} of ${HPAGE_PMD_NR} pages present, khugepaged needs ${row.settings ?? 0} (${HPAGE_PMD_NR} − max_ptes_none)`;
    case 'empty': return 'EINVAL: no folio in the block (an empty block is not filled); the walk stops here';
    case 'past_eof': return 'EINVAL: a fallocated folio lies past EOF (it cannot be looked up); the walk stops here';
    case 'charge': return 'EINVAL: filling the holes would pass the size= limit; the walk stops here';
    case 'policy': return `the huge settings admit no PMD folio in the VMA (pgoff ${pages})`;
    case 'vma_fit': return `the VMA (pgoff ${pages}) cannot map an aligned 2 MiB block: misaligned, or too small`;
    case 'no_block': return `no whole aligned 2 MiB block lies in the range and the VMA (pgoff ${pages})`;
    case 'partial': return `${plural(present, 'aligned 2 MiB block')} only partly inside the VMA (pgoff ${pages}): not collapsed`;
  }
}

/** One `explanations` row of kind collapse. */
export function explainCollapse(row: ExplanationRow, look: ChangeLookups, file: number | null): CollapseExplanation {
  const result = codeName(COLLAPSE_RESULT_CODES, row.result ?? 0) ?? 'collapsed';
  const context = codeName(COLLAPSE_CONTEXT_CODES, row.cause ?? 0) === 'khugepaged' ? 'khugepaged' : 'MADV_COLLAPSE';
  const first = row.pgoff ?? 0;
  const pages: readonly [number, number] = [first, row.vmaEnd ?? first + HPAGE_PMD_NR];
  const folio = row.folio === null ? undefined : look.folio(row.folio);
  const from = folio === undefined || result !== 'collapsed' ? []
    : look.events.filter((e) => e.event === EVENT_CODES.folio_collapsed && e.arg === folio.id).map((e) => ({ id: e.folio, pgoff: e.pgoff, order: e.order }));
  const pins = result === 'pinned' && folio !== undefined ? look.pins(folio, Number.MAX_SAFE_INTEGER) : null;
  let why = collapseWhy(result, row, from.length, pagesText(pages[0], pages[1]));
  if (pins !== null && folio !== undefined) {
    const by = pins.by.map((p) => `i ${p.i} (line ${p.line}: ${p.op})`).join(', ');
    why = `EAGAIN: folio ${folio.pgoff}:${folio.order} holds ${plural(pins.count, 'pin')}${by ? `, taken by ${by}` : ''}`;
  }
  const owner = folio?.file ?? file;
  return {
    file: owner === null ? '' : look.fileName(owner), context, result, pages, folio: folio === undefined ? null : ref(folio),
    from, why, pins,
  };
}
