import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HPAGE_PMD_NR } from '../../src/model/index.js';
import { cli, tempDir } from '../cli/_cli.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/tmpfs-huge.fl');

interface Ev { name?: unknown; ph?: unknown; pid?: unknown; ts?: unknown; cat?: unknown; id?: unknown; args?: unknown; s?: unknown }

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

describe('foliolog export --perfetto', () => {
  it('writes the bundled example as a well-formed trace: one lifetime slice per folio, begin/end paired and nested per track', async () => {
    const db = t.file('s.db');
    expect((await cli('run', EXAMPLE, '--db', db)).code).toBe(0);
    const out = t.file('t.json');
    const r = await cli('export', '1', '--db', db, '--perfetto', out);
    expect(r.code).toBe(0);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: Ev[]; otherData: Record<string, unknown> };
    const events = trace.traceEvents;
    expect(r.stdout).toBe(`wrote ${out} (${events.length} trace events)\n`);
    // The format's required fields, by phase.
    for (const e of events) {
      expect(typeof e.name).toBe('string');
      expect(['b', 'e', 'i', 'C', 'M']).toContain(e.ph);
      expect(Number.isInteger(e.pid)).toBe(true);
      if (e.ph !== 'M') expect(Number.isInteger(e.ts)).toBe(true);
      if (e.ph === 'b' || e.ph === 'e') {
        expect(typeof e.cat).toBe('string');
        expect(Number.isInteger(e.id)).toBe(true);
      }
      if (e.ph === 'C') expect(typeof e.args).toBe('object');
    }
    // Timestamps never go back; begin/end pair up and nest per (pid, cat, id).
    let last = 0;
    const open = new Map<string, string[]>();
    for (const e of events) {
      if (e.ph === 'M') continue;
      expect(e.ts as number).toBeGreaterThanOrEqual(last);
      last = e.ts as number;
      if (e.ph !== 'b' && e.ph !== 'e') continue;
      const key = `${String(e.pid)}/${String(e.cat)}/${String(e.id)}`;
      const stack = open.get(key) ?? [];
      if (e.ph === 'b') stack.push(e.name as string);
      else expect(stack.pop()).toBe(e.name);
      open.set(key, stack);
    }
    expect([...open.values()].every((s) => s.length === 0)).toBe(true);
    // Against the store: one lifetime slice per folio, named by its order, in its file's process
    // and its 2 MiB block; the event-log hash carried along.
    const conn = new Database(db, { readonly: true });
    try {
      const folios = conn.prepare('select id, file, pgoff, "order" from folios where run_id = 1').all() as Array<{ id: number; file: number; pgoff: number; order: number }>;
      const lifetimes = events.filter((e) => e.ph === 'b' && String(e.name).startsWith('order '));
      expect(lifetimes).toHaveLength(folios.length);
      const byId = new Map(lifetimes.map((e) => [e.id, e]));
      for (const f of folios) {
        expect(byId.get(f.id)).toMatchObject({ name: `order ${f.order}`, pid: f.file + 1, cat: `block ${Math.floor(f.pgoff / HPAGE_PMD_NR)}` });
      }
      expect(trace.otherData.event_log_sha256).toBe(conn.prepare('select event_hash from runs where id = 1').pluck().get());
      const commands = events.filter((e) => e.ph === 'i');
      expect(commands.map((e) => e.name)).toEqual(conn.prepare('select op from operations where run_id = 1 order by i').pluck().all());
    } finally {
      conn.close();
    }
  });

  it('gives two exports of one run the same bytes, and refuses a missing --perfetto or run', async () => {
    const db = t.file('s.db');
    await cli('run', EXAMPLE, '--db', db);
    await cli('export', '1', '--db', db, '--perfetto', t.file('a.json'));
    await cli('export', '1', '--db', db, '--perfetto', t.file('b.json'));
    expect(readFileSync(t.file('a.json'))).toEqual(readFileSync(t.file('b.json')));
    expect(await cli('export', '1', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringContaining('--perfetto FILE.json') });
    expect(await cli('export', '9', '--db', db, '--perfetto', t.file('c.json'))).toMatchObject({ code: 2 });
    // A file that cannot be written: one line, exit 2, nothing left behind.
    const bad = t.file('no-such-dir/t.json');
    expect(await cli('export', '1', '--db', db, '--perfetto', bad)).toMatchObject({ code: 2, stderr: `foliolog: cannot write ${bad}: ENOENT\n` });
    expect(await cli('report', '1', '--db', db, '--out', bad)).toMatchObject({ code: 2, stderr: `foliolog: cannot write ${bad}: ENOENT\n` });
  });
});
