import type { ReportData } from './report-data.js';

/*
 * The self-contained page of `foliolog report`: vega, vega-lite and vega-embed inlined (the
 * caller reads their builds), the run's data as JSON, and the script below, which draws with
 * vega-lite and answers hovers and clicks from the embedded lifetimes — no server, no network.
 */

/** The library builds the page inlines, as text. */
export interface ChartLibraries {
  readonly vega: string;
  readonly vegaLite: string;
  readonly vegaEmbed: string;
}

/** The first divergence of two runs, as a diff page marks it. */
export interface Divergence {
  readonly i: number;
  readonly line: number;
  readonly op: string;
  /** The names of the fields that differ. */
  readonly fields: readonly string[];
}

/**
 * The page for `data`; with `diff`, the page of `foliolog diff A B --html`: run `data` (A) above
 * run `diff.b` (B), the first divergence (null: none) marked on every chart. Pure.
 */
export function reportHtml(data: ReportData, libs: ChartLibraries, diff?: { readonly b: ReportData; readonly first: Divergence | null }): string {
  const title = diff === undefined ? `foliolog run ${data.run.id}: ${data.run.script}` : `foliolog diff ${data.run.id} ${diff.b.run.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${inlineScript(libs.vega)}
${inlineScript(libs.vegaLite)}
${inlineScript(libs.vegaEmbed)}
</head><body>
<header><h1>${escapeHtml(title)}</h1></header>
<main>
<div id="runs"></div>
<aside id="panel"><h2>Details</h2><p id="hint">Hover a folio for its states; click it for its history. Click a point of the pages chart for the layout after that command.</p><div id="details"></div></aside>
</main>
<script type="application/json" id="data">${jsonForScript(data)}</script>
<script type="application/json" id="diff">${jsonForScript(diff ?? null)}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

/** Text safe inside HTML. Pure. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that cannot end its <script> element early. Pure. */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/** A library build as an inline script (a literal `</script` inside it would end the element). */
function inlineScript(code: string): string {
  return `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 10px 20px; background: #f3f3f3; border-bottom: 1px solid #ddd; }
h1 { font-size: 18px; margin: 0; } h2 { font-size: 16px; margin: 16px 0 6px; } h3 { font-size: 14px; margin: 14px 0 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 0 20px; padding: 0 20px 20px; }
#runs { grid-column: 1; } #panel { grid-column: 2; align-self: start; position: sticky; top: 0; }
#details table { border-collapse: collapse; font-size: 12px; } #details td, #details th { padding: 1px 6px; text-align: left; vertical-align: top; }
#details tr:nth-child(even) { background: #f6f6f6; } pre { background: #f6f6f6; padding: 8px; overflow: auto; max-height: 400px; }
.note { color: #8a5a00; } .divergence { color: #b00; font-weight: 600; } .layout { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
#run-b { border-top: 2px solid #ccc; margin-top: 16px; }
`;

/** The page's own script (plain JS, run after the libraries). */
const PAGE_SCRIPT = String.raw`
'use strict';
const D = JSON.parse(document.getElementById('data').textContent);
const DIFF = JSON.parse(document.getElementById('diff').textContent);
const views = {};
window.foliolog = { views, data: D, diff: DIFF };
const MARK_NAMES = ['uptodate', 'punched', 'split', 'split-failed', 'reclaim-marked', 'reclaim-cleared', 'collapsed', 'pinned', 'unpinned', 'uptodate-cleared'];
const MARK_EVENTS = ['folio_marked_uptodate', 'folio_zeroed', 'folio_split', 'folio_split_failed', 'folio_reclaim_marked', 'folio_reclaim_cleared', 'folio_collapsed', 'folio_pinned', 'folio_unpinned', 'folio_uptodate_cleared'];
const SHOWN_MARKS = { 'punched': 'diamond', 'split': 'triangle-down', 'split-failed': 'cross', 'collapsed': 'square', 'reclaim-marked': 'circle' };
const ORDERS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const ORDER_COLORS = ['#4e79a7', '#76b7b2', '#59a14f', '#8cd17d', '#b6992d', '#f1ce63', '#f28e2b', '#ff9d9a', '#e15759', '#b07aa1', '#9d7660'];
const STATES = ['partially-punched', 'split-failed', 'reclaim-candidate', 'collapsed'];
const STATE_COLORS = ['#ffbf00', '#d62728', '#9467bd', '#17becf'];

function el(tag, attrs, text) { const e = document.createElement(tag); Object.assign(e, attrs || {}); if (text !== undefined) e.textContent = text; return e; }

/**
 * Draw run D into 'section': its facts, a folio map per file, memory over time, its script.
 * Ids and views are prefixed with 'prefix' (two runs share a diff page); 'divergence', when
 * not null, is the operation where the run parts from another, marked on every chart.
 */
async function renderRun(D, prefix, section, title, divergence) {
const nOps = D.ops.length;
function opText(i) { const o = D.ops[i]; return o ? '@' + i + ' (line ' + o[0] + (o[1] ? ': ' + o[1] : '') + ')' : '@' + i; }
function fileName(id) { const f = D.files.find((x) => x.id === id); return f ? f.name : '#' + id; }

function facts() {
  const r = D.run;
  const rows = [['run', r.id + ' (' + r.source + ')'], ['script', r.script], ['policy', r.policy], ['seed', r.seed], ['status', r.status + (r.failure ? ': ' + r.failure : '')],
    ['commands', r.ops], ['events', r.events], ['event-log sha256', r.hash || '(none)']];
  const dl = el('dl', { id: prefix + 'facts', className: 'facts' });
  for (const [k, v] of rows) { dl.append(el('dt', {}, k), el('dd', {}, String(v))); }
  return dl;
}

function statesText(f) {
  const parts = ['allocated @' + f[4]];
  for (const [s, i] of f[9]) parts.push(s + ' @' + i);
  parts.push(f[5] < 0 ? 'live at the end' : f[6] + ' @' + f[5]);
  return parts.join(' → ');
}

function folioRows(file) {
  const rows = [];
  for (const f of D.folios) {
    if (f[1] !== file) continue;
    const pages = Math.pow(2, f[3]);
    const end = f[5] < 0 ? nOps : f[5];
    rows.push({ folio: f[0], pgoff: f[2], top: f[2] + pages, order: f[3], born: f[4], end: Math.max(end, f[4] + 1), ended: f[5] < 0 ? 'live' : f[6] + ' @' + f[5], states: statesText(f) });
  }
  return rows;
}

function stateRows(file) {
  const rows = [];
  for (const f of D.folios) {
    if (f[1] !== file) continue;
    const end = f[5] < 0 ? nOps : f[5];
    f[9].forEach(([s, i], k) => {
      if (s === 'allocated') return;
      const next = k + 1 < f[9].length ? f[9][k + 1][1] : end;
      rows.push({ folio: f[0], state: s, pgoff: f[2], top: f[2] + Math.pow(2, f[3]), from: i, to: Math.max(next, i + 1), states: statesText(f) });
    });
  }
  return rows;
}

function markRows(file) {
  const rows = [];
  for (const f of D.folios) {
    if (f[1] !== file) continue;
    for (const [k, i] of f[10]) {
      const kind = MARK_NAMES[k];
      if (SHOWN_MARKS[kind]) rows.push({ folio: f[0], kind, i: i + 0.5, page: f[2] + Math.pow(2, f[3]) / 2, op: opText(i) });
    }
  }
  return rows;
}

const X = { field: 'born', type: 'quantitative', title: 'operation (i)', scale: { domain: [0, Math.max(1, nOps)], nice: false } };
const Y = { field: 'pgoff', type: 'quantitative', title: 'page offset (4 KiB pages)', scale: { reverse: true, nice: false } };
const ORDER_COLOR = { field: 'order', type: 'ordinal', title: 'order', scale: { domain: ORDERS, range: ORDER_COLORS } };

/** The y scale of a file's map: its pages, from 0 down (an empty layer then computes no extent). */
function yOf(file, top) {
  return Object.assign({}, Y, { scale: Object.assign({}, Y.scale, { domain: [0, Math.max(1, top)] }) });
}

function mapSpec(file) {
  const folios = folioRows(file);
  const y = yOf(file, folios.reduce((m, r) => Math.max(m, r.top), 0));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 320,
    title: 'file ' + fileName(file) + ' (#' + file + '): folio lifetimes',
    layer: [
      { name: 'folios', data: { name: 'folios', values: folios }, mark: { type: 'rect', stroke: '#333', strokeWidth: 0.3, cursor: 'pointer' },
        encoding: { x: X, x2: { field: 'end' }, y, y2: { field: 'top' }, color: ORDER_COLOR,
          tooltip: [{ field: 'folio' }, { field: 'pgoff' }, { field: 'order' }, { field: 'born', title: 'born @' }, { field: 'ended' }, { field: 'states' }] } },
      { name: 'states', data: { name: 'states', values: stateRows(file) }, mark: { type: 'rect', opacity: 0.55, cursor: 'pointer' },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' }, y: { field: 'pgoff', type: 'quantitative' }, y2: { field: 'top' },
          color: { field: 'state', type: 'nominal', title: 'state', scale: { domain: STATES, range: STATE_COLORS } },
          tooltip: [{ field: 'folio' }, { field: 'state' }, { field: 'from', title: 'from @' }, { field: 'states' }] } },
      { name: 'marks', data: { name: 'marks', values: markRows(file) }, mark: { type: 'point', filled: true, size: 30, color: '#000' },
        encoding: { x: { field: 'i', type: 'quantitative' }, y: { field: 'page', type: 'quantitative' },
          shape: { field: 'kind', type: 'nominal', title: 'operation', scale: { domain: Object.keys(SHOWN_MARKS), range: Object.values(SHOWN_MARKS) } },
          tooltip: [{ field: 'folio' }, { field: 'kind' }, { field: 'op' }] } },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

function binnedSpec(file) {
  const B = D.bins;
  const cells = B.cells.filter((c) => c[0] === file).map((c) => ({ born: c[1] * B.opsPerBin, end: Math.min(nOps, (c[1] + 1) * B.opsPerBin), pgoff: c[2] * B.pagesPerBin, top: (c[2] + 1) * B.pagesPerBin, folios: c[3], order: c[4] }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 320,
    title: 'file ' + fileName(file) + ' (#' + file + '): folios born per ' + B.opsPerBin + ' operations × ' + B.pagesPerBin + ' pages',
    data: { name: 'bins', values: cells }, mark: { type: 'rect', name: 'bins' },
    encoding: { x: X, x2: { field: 'end' }, y: yOf(file, cells.reduce((m, c) => Math.max(m, c.top), 0)), y2: { field: 'top' }, color: Object.assign({}, ORDER_COLOR, { title: 'most common order' }),
      opacity: { field: 'folios', type: 'quantitative', scale: { type: 'log', range: [0.35, 1] }, legend: null },
      tooltip: [{ field: 'folios' }, { field: 'order', title: 'most common order' }, { field: 'born', title: 'from @' }, { field: 'pgoff' }] },
  };
}

function memorySpecs() {
  const M = D.memory;
  const pages = [];
  M.i.forEach((i, k) => { pages.push({ i, what: 'resident pages', pages: M.resident[k] }); pages.push({ i, what: 'pages holding no data (not uptodate)', pages: M.noData[k] }); });
  const folios = [];
  for (const [order, counts] of M.byOrder) M.i.forEach((i, k) => folios.push({ i, order, folios: counts[k] }));
  const x = { field: 'i', type: 'quantitative', title: 'operation (i)', scale: { domain: [0, Math.max(1, nOps - 1)], nice: false } };
  // Clicks on the pages chart pick the nearest point (a layer of its own: lines have no nearest pick).
  const pick = { name: 'pick', select: { type: 'point', on: 'click', nearest: true, fields: ['i'] } };
  return [{
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 160, data: { values: pages },
    encoding: { x, y: { field: 'pages', type: 'quantitative', title: 'pages' }, color: { field: 'what', type: 'nominal', title: null, legend: { orient: 'top' } },
      tooltip: [{ field: 'i', title: '@' }, { field: 'what' }, { field: 'pages' }] },
    layer: [{ mark: { type: 'line', interpolate: 'step-after' } }, { params: [pick], mark: { type: 'point', size: 14, filled: true, cursor: 'pointer' } }],
  }, {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 160, data: { values: folios },
    mark: { type: 'area', interpolate: 'step-after' },
    encoding: { x, y: { field: 'folios', type: 'quantitative', stack: true, title: 'live folios' }, color: ORDER_COLOR, tooltip: [{ field: 'i', title: '@' }, { field: 'order' }, { field: 'folios' }] },
  }];
}

function showHistory(id) {
  const f = D.folios.find((x) => x[0] === id);
  const box = document.getElementById('details');
  box.replaceChildren();
  if (!f) return;
  box.append(el('h3', {}, 'folio ' + f[0] + ' (pgoff ' + f[2] + ', order ' + f[3] + ', file ' + fileName(f[1]) + ')' + (f[8] >= 0 ? ', split from folio ' + f[8] : '')));
  const rows = [[f[4], 'folio_added', 'allocated']];
  if (f[7] >= 0) rows.push([f[7], 'folio_marked_uptodate', '']);
  for (const [k, i] of f[10]) rows.push([i, MARK_EVENTS[k], '']);
  for (const [s, i] of f[9]) rows.push([i, 'state', s]);
  if (f[5] >= 0 && f[6] === 'freed') rows.push([f[5], 'folio_removed', 'freed']);
  rows.sort((a, b) => a[0] - b[0]);
  const table = el('table', { id: 'history' });
  const head = el('tr'); for (const h of ['i', 'line', 'op', 'event', 'state']) head.append(el('th', {}, h)); table.append(head);
  for (const [i, event, state] of rows) {
    const tr = el('tr'); const o = D.ops[i] || ['', ''];
    for (const v of [i, o[0], o[1], event, state]) tr.append(el('td', {}, String(v)));
    table.append(tr);
  }
  box.append(table);
  box.append(el('p', {}, f[5] < 0 ? 'live at the end of the run' : 'ended ' + f[6] + ' at ' + opText(f[5])));
}

function layoutAfter(i) {
  const file = D.ops[i] ? D.ops[i][2] : -1;
  const live = D.folios.filter((f) => f[1] === file && f[4] <= i && (f[5] < 0 || f[5] > i)).sort((a, b) => a[2] - b[2] || a[0] - b[0]);
  const parts = [];
  for (let k = 0; k < live.length; k++) {
    const f = live[k]; const up = f[7] >= 0 && f[7] <= i;
    let end = k;
    while (f[3] === 0 && end + 1 < live.length) {
      const g = live[end + 1];
      if (g[3] !== 0 || g[2] !== live[end][2] + 1 || (g[7] >= 0 && g[7] <= i) !== up) break;
      end++;
    }
    parts.push((end > k ? f[2] + '-' + live[end][2] : f[2]) + ':' + f[3] + (up ? '' : '!'));
    k = end;
  }
  return { file, text: parts.length ? parts.join(' ') : '(empty)', folios: live.length };
}

function showLayout(i) {
  const box = document.getElementById('details');
  box.replaceChildren();
  box.append(el('h3', {}, 'after ' + opText(i)));
  if (!D.folios) { box.append(el('p', { className: 'note' }, 'This run is drawn in bins: its lifetimes are not in the page. foliolog at ' + D.run.id + ' @' + i + ' shows the layout.')); return; }
  const l = layoutAfter(i);
  box.append(el('p', {}, 'file ' + (l.file < 0 ? '(none)' : fileName(l.file)) + ', ' + l.folios + ' folios'));
  box.append(el('p', { className: 'layout', id: 'layout' }, l.text));
}

/** A spec with the first divergence (when given) drawn as a red rule across it. */
function withDivergence(spec) {
  if (divergence === null) return spec;
  const rule = { data: { name: 'divergence', values: [{ i: divergence }] }, mark: { type: 'rule', color: '#d00', strokeWidth: 2, strokeDash: [6, 3] }, encoding: { x: { field: 'i', type: 'quantitative' } } };
  if (spec.layer) return Object.assign({}, spec, { layer: [...spec.layer, rule] });
  const { data, mark, encoding, params, ...rest } = spec;
  return Object.assign(rest, { layer: [{ data, mark, encoding, ...(params ? { params } : {}) }, rule] });
}

  section.append(el('h2', {}, title), facts());
  const maps = el('section', { id: prefix + 'maps' });
  section.append(maps);
  const opts = { renderer: 'canvas', actions: false };
  if (D.bins) maps.append(el('p', { className: 'note', id: prefix + 'binned-note' }, 'This run has more folios than can be drawn one by one: the map shows how many folios were born in each range of ' + D.bins.opsPerBin + ' operations and ' + D.bins.pagesPerBin + ' pages, coloured by their most common order.'));
  for (const f of D.files) {
    const has = D.bins ? D.bins.cells.some((c) => c[0] === f.id) : D.folios.some((x) => x[1] === f.id);
    if (!has) continue;
    const div = el('div', { id: prefix + 'map-' + f.id, className: 'map' });
    maps.append(div);
    const r = await vegaEmbed(div, withDivergence(D.bins ? binnedSpec(f.id) : mapSpec(f.id)), opts);
    views[prefix + 'map-' + f.id] = r.view;
    r.view.addEventListener('click', (_e, item) => { if (item && item.datum && item.datum.folio !== undefined) showHistory(item.datum.folio); });
  }
  const [pages, orders] = memorySpecs();
  const memory = el('div', { id: prefix + 'memory' });
  const orderDiv = el('div', { id: prefix + 'orders' });
  section.append(el('h3', {}, 'Memory over time'), memory, orderDiv);
  const m = await vegaEmbed(memory, withDivergence(pages), opts);
  views[prefix + 'memory'] = m.view;
  m.view.addSignalListener('pick', (_n, v) => { if (v && v.i && v.i.length) showLayout(v.i[0]); });
  views[prefix + 'orders'] = (await vegaEmbed(orderDiv, withDivergence(orders), opts)).view;
  section.append(el('h3', {}, 'Script'), el('pre', { id: prefix + 'script', className: 'script' }, D.run.scriptText));
}

async function main() {
  const runs = document.getElementById('runs');
  if (DIFF === null) {
    await renderRun(D, '', runs, 'Run ' + D.run.id, null);
  } else {
    const first = DIFF.first;
    runs.append(el('p', { id: 'divergence', className: first ? 'divergence' : 'note' }, first
      ? 'Runs ' + D.run.id + ' and ' + DIFF.b.run.id + ' part at @' + first.i + ' (line ' + first.line + ': ' + first.op + '): ' + first.fields.join(', ') + ' differ. The red rule marks it.'
      : 'Runs ' + D.run.id + ' and ' + DIFF.b.run.id + ' do not differ.'));
    const a = el('section', { id: 'run-a' });
    const b = el('section', { id: 'run-b' });
    runs.append(a, b);
    await renderRun(D, 'a-', a, 'A: run ' + D.run.id + ' (' + D.run.source + ')', first ? first.i : null);
    await renderRun(DIFF.b, 'b-', b, 'B: run ' + DIFF.b.run.id + ' (' + DIFF.b.run.source + ')', first ? first.i : null);
  }
  document.body.dataset.ready = '1';
}
main().catch((e) => { console.error(e); document.body.dataset.ready = 'error'; });
`;
