import type { HistoryResult, HistoryRow } from '../query/index.js';
import { columns } from './columns.js';

/** Folio ids in kernel.md's run notation: consecutive ids joined as `first-last`, e.g. `2-11 17`. Pure. */
export function idsText(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < ids.length;) {
    let end = k;
    while (end + 1 < ids.length && ids[end + 1] === ids[end]! + 1) end++;
    parts.push(end > k ? `${ids[k]}-${ids[end]}` : String(ids[k]));
    k = end + 1;
  }
  return parts.join(' ');
}

/** The last column: where a split or collapsed folio went, else the folio it was split from. Pure. */
function lineage(r: HistoryRow): string {
  if (r.into !== null && r.into.length > 0) return `into ${idsText(r.into)}`;
  return r.parent === null ? '' : `parent ${r.parent}`;
}

/** The first line: the run, the file, and the page or the folio with its ancestry. Pure. */
function header(r: HistoryResult): string {
  const head = `run ${r.run}, file ${r.file}`;
  if (r.folio === null) return `${head}, page ${r.pgoff}: ${r.folios} folios, ${r.rows.length} events`;
  const f = r.folio;
  const parents = f.parents.length === 0 ? '' : `, split from ${f.parents.map((p) => `${p.id} (${p.pgoff}:${p.order})`).join(' ← ')}`;
  const sources = f.collapsedFrom.length === 0 ? '' : `, collapsed from ${idsText(f.collapsedFrom)}`;
  return `${head}, folio ${f.id} (${f.pgoff}:${f.order})${parents}${sources}: ${r.rows.length} events`;
}

/**
 * The readable answer of `foliolog history`: a header (run, file, page or folio), one row per
 * event (seq, operation, folio, `pgoff:order`, event, `from → to`, parent or where it went),
 * then what the answer read of the event log. Pure.
 */
export function historyText(r: HistoryResult): string {
  const rows = [['seq', 'i', 'line', 'op', 'folio', 'pgoff:order', 'event', 'from → to', 'parent/into']];
  for (const e of r.rows) {
    rows.push([String(e.seq), String(e.i), String(e.line ?? '?'), e.op ?? '?', String(e.folio), `${e.pgoff}:${e.order}`, e.event,
      `${e.from === null ? '' : `${e.from} `}→ ${e.to ?? ''}`, lineage(e)]);
  }
  const reads = `${r.cost.ranges} ${r.cost.ranges === 1 ? 'read' : 'reads'}`;
  return `${header(r)}\n${columns(rows)}\nread ${r.cost.read} of the run's ${r.cost.events} events, in ${reads} by seq`;
}
