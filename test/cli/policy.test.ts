import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, jsonLines, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

describe('--policy and the model-only scan line', () => {
  it('records the spec as given, parameters and all, and scan returns the pages it freed', async () => {
    const script = t.file('z.fl', 'mount tmpfs huge=always\npwrite -S 0 0 2m\nscan\n');
    const db = t.file('s.db');
    const r = await cli('run', script, '--db', db, '--json', '--policy', 'per-block+zeropage-scan:every=5');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)[2]).toMatchObject({ op: 'scan', ret: 512, blocks: 0 });
    const six = await cli('run', script, '--db', db, '--json');
    expect(jsonLines(six.stdout)[2]).toMatchObject({ op: 'scan', ret: 0, blocks: 4096 });
    const conn = new Database(db, { readonly: true });
    expect(conn.prepare('select policy from runs order by id').all()).toEqual([{ policy: 'per-block+zeropage-scan:every=5' }, { policy: 'linux-6.18' }]);
    conn.close();
  });

  it('records no-data pages only when asked (run --metrics; compare always does)', async () => {
    const script = t.file('n.fl', 'mount tmpfs huge=always\npwrite 0 4k\n');
    const db = t.file('s.db');
    await cli('run', script, '--db', db);
    await cli('run', script, '--db', db, '--metrics');
    const conn = new Database(db, { readonly: true });
    expect(conn.prepare('select run_id, i, resident, no_data from operations order by run_id, i').all()).toEqual([
      { run_id: 1, i: 0, resident: 0, no_data: null }, { run_id: 1, i: 1, resident: 512, no_data: null },
      { run_id: 2, i: 0, resident: 0, no_data: 0 }, { run_id: 2, i: 1, resident: 512, no_data: 511 },
    ]);
    expect(conn.prepare('select run_id, peak_resident, peak_no_data, no_data_integral from run_memory order by run_id').all()).toEqual([
      { run_id: 1, peak_resident: 512, peak_no_data: null, no_data_integral: null },
      { run_id: 2, peak_resident: 512, peak_no_data: 511, no_data_integral: 511 },
    ]);
    conn.close();
  });

  it('refuses a scan line on the real kernel, naming FILE:LINE, before anything runs', async () => {
    const script = t.file('k.fl', 'mount tmpfs huge=always\npwrite 0 4k\nscan\n');
    const r = await cli('kernel', script, '--db', t.file('s.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`foliolog: ${script}:3: scan is model-only (a what-if policy's scanner): the kernel cannot run it\n`);
  });

  it('refuses a memory line on the real kernel too', async () => {
    const script = t.file('m.fl', 'memory 64m\nmount tmpfs\n');
    const r = await cli('kernel', script, '--db', t.file('s.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`foliolog: ${script}:1: memory is model-only (memory pressure of the what-if lab): the kernel cannot run it\n`);
  });

  it('refuses a malformed spec with one line and exit 2', async () => {
    const r = await cli('run', t.file('x.fl', 'mount tmpfs\n'), '--db', t.file('s.db'), '--policy', 'zeropage-scan:every=x');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('foliolog: --policy: zeropage-scan: unknown parameter "every=x" (every)\n');
  });
});
