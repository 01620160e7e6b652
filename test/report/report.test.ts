/// <reference lib="dom" />
import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutText } from '../../src/report/index.js';
import { BENCH_MIX, mixText } from '../../src/sim/index.js';
import { cli, tempDir } from '../cli/_cli.js';
import { NO_BROWSER, launchChromium } from './_browser.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/tmpfs-huge.fl');

/**
 * The page-space centre of item `k` of the mark whose name starts with `mark` in view `view`
 * (scrolled into sight first), and its datum. Items sit in the view's root group, offset by its origin.
 */
async function itemAt(page: Page, view: string, mark: string, k: number): Promise<{ x: number; y: number; datum: Record<string, unknown> }> {
  return page.evaluate(([view, mark, k]) => {
    const v = (window as unknown as { foliolog: { views: Record<string, any> } }).foliolog.views[view as string];
    v.container().scrollIntoView({ block: 'center' });
    const found: any[] = [];
    const walk = (node: any, dx: number, dy: number): void => {
      if (node.marktype === undefined) return;
      for (const item of node.items ?? []) {
        if ((node.name ?? '').startsWith(mark)) found.push({ item, dx, dy });
        if (node.marktype === 'group') for (const child of item.items ?? []) walk(child, dx + (item.x ?? 0), dy + (item.y ?? 0));
      }
    };
    for (const child of v.scenegraph().root.items[0].items) walk(child, 0, 0);
    const { item, dx, dy } = found[k as number];
    const [ox, oy] = v.origin();
    const box = v.container().querySelector('canvas').getBoundingClientRect();
    const b = item.bounds;
    return { x: box.left + ox + dx + (b.x1 + b.x2) / 2, y: box.top + oy + dy + (b.y1 + b.y2) / 2, datum: { ...item.datum } };
  }, [view, mark, k] as const);
}

/** How many items the marks named `mark…` of view `view` draw. */
async function itemCount(page: Page, view: string, mark: string): Promise<number> {
  return page.evaluate(([view, mark]) => {
    const v = (window as unknown as { foliolog: { views: Record<string, any> } }).foliolog.views[view as string];
    let n = 0;
    const walk = (node: any): void => {
      if (node.marktype !== undefined) {
        if ((node.name ?? '').startsWith(mark)) n += (node.items ?? []).length;
        if (node.marktype === 'group') for (const item of node.items ?? []) walk(item);
      } else for (const child of node.items ?? []) walk(child);
    };
    walk(v.scenegraph().root);
    return n;
  }, [view, mark] as const);
}

describe.skipIf(NO_BROWSER !== undefined)(`foliolog report in headless Chromium${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const t = tempDir();
  const db = t.file('s.db');
  let openMs = 0;

  beforeAll(async () => {
    expect((await cli('run', EXAMPLE, '--db', db)).code).toBe(0);
    const out = t.file('report.html');
    const r = await cli('report', '1', '--db', db, '--out', out);
    expect(r.stdout).toMatch(/^wrote .*report\.html \(\d+ bytes, \d+ folios\)\n$/);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Offline: the page must not ask the network for anything.
    await page.route(/^(?!file:)/, (route) => { errors.push(`network request: ${route.request().url()}`); return route.abort(); });
    const start = Date.now();
    await page.goto(`file://${out}`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, { timeout: 30_000 });
    openMs = Date.now() - start;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    t.cleanup();
  });

  it('renders with no console error or network request, and shows the run\'s facts and script', async () => {
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('1');
    expect(errors).toEqual([]);
    const conn = new Database(db, { readonly: true });
    const hash = conn.prepare('select event_hash from runs where id = 1').pluck().get() as string;
    conn.close();
    expect(await page.textContent('#facts')).toContain(hash);
    expect(await page.textContent('#script')).toContain('mount tmpfs huge=within_size');
    console.log(`report of the bundled example opened in ${openMs} ms`);
  });

  it('draws one folio mark per folio of each file, as the store has them', async () => {
    const conn = new Database(db, { readonly: true });
    const perFile = conn.prepare('select file, count(*) as n from folios where run_id = 1 group by file').all() as Array<{ file: number; n: number }>;
    conn.close();
    expect(perFile.length).toBeGreaterThan(1);
    for (const { file, n } of perFile) expect(await itemCount(page, `map-${file}`, 'folios')).toBe(n);
  });

  it('shows a folio\'s states on hover and its history on click', async () => {
    const conn = new Database(db, { readonly: true });
    // A folio that a punch left partially punched: its states name it.
    const f = conn.prepare(`select f.file, f.id, f.pgoff, f."order" from folios f where f.run_id = 1 and exists
      (select 1 from events e where e.run_id = 1 and e.folio = f.id and e.to_state = 2) order by f.id limit 1`).get() as { file: number; id: number; pgoff: number; order: number };
    const events = conn.prepare('select e.i, t.name from events e join event_types t on t.code = e.event where e.run_id = 1 and e.folio = ? order by e.seq').all(f.id) as Array<{ i: number; name: string }>;
    conn.close();
    const k = await page.evaluate(([file, id]) => (window as any).foliolog.views[`map-${file}`].data('folios').findIndex((d: any) => d.folio === id), [f.file, f.id]);
    const at = await itemAt(page, `map-${f.file}`, 'folios', k);
    expect(at.datum.folio).toBe(f.id);
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5_000 });
    const tip = await page.textContent('#vg-tooltip-element');
    expect(tip).toContain(String(f.id));
    expect(tip).toContain('partially-punched @');
    await page.mouse.click(at.x, at.y);
    const header = await page.textContent('#details h3');
    expect(header).toContain(`folio ${f.id} (pgoff ${f.pgoff}, order ${f.order}`);
    const rows = await page.$$eval('#history tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    // Every event of the folio in the store (pins, uptodate, zeroing, split, removal) is a row at its operation.
    const shown = rows.filter((r) => r[3] !== 'state').map((r) => `${r[0]} ${r[3]}`);
    expect(shown).toEqual(events.map((e) => `${e.i} ${e.name}`));
  });

  it('shows the layout after a command clicked on the memory chart, as `foliolog at RUN @OP` has it', async () => {
    const at = await itemAt(page, 'memory', 'layer_1_marks', 14);
    const i = at.datum.i as number;
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#layout');
    expect(await page.textContent('#details h3')).toContain(`after @${i} `);
    const a = await cli('at', '1', `@${i}`, '--db', db, '--json');
    const folios = (JSON.parse(a.stdout) as { folios: Array<[number, number, 0 | 1]> }).folios;
    expect(await page.textContent('#layout')).toBe(layoutText(folios, Infinity));
  });
});

describe.skipIf(NO_BROWSER !== undefined)(`foliolog report of a 40,001-command run in headless Chromium${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  it('draws the run in bins whose counts sum to the store\'s folios, with a note, in a page of a few MB', async () => {
    const t = tempDir();
    const browser = await launchChromium();
    try {
      const db = t.file('s.db');
      const script = t.file('mix.fl', mixText(BENCH_MIX, 40_001));
      expect((await cli('run', script, '--db', db, '--no-check', '--json')).code).toBe(0);
      const out = t.file('report.html');
      const r = await cli('report', '1', '--db', db, '--out', out, '--json');
      const summary = JSON.parse(r.stdout) as { bytes: number; folios: number; binned: boolean };
      const conn = new Database(db, { readonly: true });
      const folios = conn.prepare('select count(*) from folios where run_id = 1').pluck().get() as number;
      conn.close();
      expect(summary).toMatchObject({ folios, binned: true });
      expect(summary.bytes).toBeLessThan(4 << 20);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      const start = Date.now();
      await page.goto(`file://${out}`);
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, { timeout: 60_000 });
      console.log(`report of a 40,001-command run (${folios} folios, ${summary.bytes} bytes) opened in ${Date.now() - start} ms`);
      expect(await page.evaluate(() => document.body.dataset.ready)).toBe('1');
      expect(errors).toEqual([]);
      expect(await page.textContent('#binned-note')).toContain('more folios than can be drawn one by one');
      const drawn = await page.evaluate(() => Object.entries((window as any).foliolog.views as Record<string, any>)
        .filter(([k]) => k.startsWith('map-')).reduce((n, [, v]) => n + v.data('bins').reduce((m: number, c: { folios: number }) => m + c.folios, 0), 0));
      expect(drawn).toBe(folios);
    } finally {
      await browser.close();
      t.cleanup();
    }
  }, 300_000);
});
