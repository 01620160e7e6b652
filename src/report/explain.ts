import type {
  AllocationExplanation, CollapseExplanation, ExplainResult, FolioRef, SplitExplanation,
} from '../query/index.js';
import type { FolioTriple } from '../script/index.js';
import { columns } from './columns.js';
import { layoutText } from './layout.js';

/** Folios in kernel.md's notation, without uptodate marks (explain speaks of sizes). Pure. */
function refs(folios: readonly FolioRef[]): string {
  return layoutText(folios.map((f): FolioTriple => [f.pgoff, f.order, 1]).sort((a, b) => a[0] - b[0]));
}

/** Orders as `9-4`, `3 1`, `none`. Pure. */
function orders(list: readonly number[]): string {
  if (list.length === 0) return 'none';
  const runs: string[] = [];
  for (let k = 0; k < list.length;) {
    let j = k;
    while (j + 1 < list.length && list[j + 1] === list[j]! - 1) j++;
    runs.push(j === k ? `${list[k]}` : `${list[k]}-${list[j]}`);
    k = j + 1;
  }
  return runs.join(' ');
}

/** The line naming an allocation's folios and lookup; `file` is left out when it is the current one. Pure. */
function allocationHead(a: AllocationExplanation, current: string | null): string {
  const what = a.folios.length === 0 ? '(no folio)' : refs(a.folios);
  const first = a.folios[0];
  const where = a.folios.length > 1 ? `${a.lookup}, ${a.folios.length} folios alike`
    : first !== undefined && first.pgoff === a.pgoff ? a.lookup : `${a.lookup} at pgoff ${a.pgoff}`;
  return `${what}  ${where}${a.file === current || a.file === '' ? '' : ` (file ${a.file})`}`;
}

/**
 * The allocations: each one's folios, then a row per stage of its order chain and per order
 * tried, in columns aligned across all of them. Pure.
 */
function allocationsText(list: readonly AllocationExplanation[], current: string | null): string[] {
  const rows: string[][] = [];
  for (const a of list) {
    for (const s of a.stages) rows.push(['', s.stage, orders(s.orders), s.why]);
    for (const t of a.tried) rows.push(['', 'tried', String(t.order), `${t.result}: ${t.why}`]);
  }
  const table = columns(rows).split('\n');
  const out: string[] = [];
  let k = 0;
  for (const a of list) {
    out.push(allocationHead(a, current));
    for (let n = a.stages.length + a.tried.length; n > 0; n--) out.push(table[k++]!);
  }
  out.push('(allocation and memcg charge never fail in the model: only the size= limit makes an order fall back)');
  return out;
}

/** One split attempt: the folio, its cause, then the pieces or the refusal. Pure. */
function splitText(s: SplitExplanation, current: string | null): string {
  const head = `${s.folio.pgoff}:${s.folio.order}  ${s.cause}: ${s.ok ? 'split' : 'not split'}${s.file === current ? '' : ` (file ${s.file})`}`;
  const lines = [head, `  ${s.why}`];
  if (s.refusal !== null) lines.push(`  ${s.refusal}`);
  if (s.ok) {
    lines.push(`  pieces: ${refs(s.pieces)}`);
    const freed = s.pieces.filter((p) => p.freed);
    if (freed.length > 0) lines.push(`  freed in this operation: ${refs(freed)}`);
  }
  return lines.join('\n');
}

/** One collapse block (or VMA). Pure. */
function collapseText(c: CollapseExplanation, current: string | null): string {
  const [first, end] = c.pages;
  const what = c.result === 'collapsed' && c.folio !== null ? `collapsed into ${c.folio.pgoff}:${c.folio.order}` : c.result;
  const pages = end - first === 1 ? `${first}` : `${first}-${end - 1}`;
  const file = c.file === '' || c.file === current ? '' : ` (file ${c.file})`;
  const lines = [`pgoff ${pages}  ${c.context}: ${what}${file}`, `  ${c.why}`];
  if (c.from.length > 0) lines.push(`  merged: ${refs(c.from)}`);
  return lines.join('\n');
}

function plural(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}

function section<T>(title: string, items: readonly T[], text: (t: T) => string): string[] {
  return items.length === 0 ? [] : [`${title}:`, ...items.map(text)];
}

/**
 * The readable answer of `foliolog explain`: where it stands, the layout before and after, then
 * each allocation with its order chain, each split and each collapse block. Pure.
 */
export function explainText(r: ExplainResult): string {
  const head = `run ${r.run}, i ${r.i} (line ${r.line}: ${r.op}); file ${r.file ?? '(none)'}${r.source === 'kernel' ? '; kernel run' : ''}`;
  const lines = [head, `before: ${layoutText(r.before)}`, `after:  ${layoutText(r.after)}`];
  if (r.note !== null) lines.push(r.note);
  const body = [
    ...(r.allocations.length === 0 ? []
      : [`allocated (${plural(r.allocations.reduce((n, a) => n + a.folios.length, 0), 'folio')}):`, ...allocationsText(r.allocations, r.file)]),
    ...section(`splits (${r.splits.length})`, r.splits, (s) => splitText(s, r.file)),
    ...section(`collapse (${r.collapses.length})`, r.collapses, (c) => collapseText(c, r.file)),
  ];
  if (body.length === 0 && r.note === null) lines.push('nothing allocated, split or collapsed');
  return [...lines, ...body].join('\n');
}
