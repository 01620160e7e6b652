import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_INTERVAL } from '../../src/store/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BENCH = join(ROOT, 'dist/src/bench/main.js');

// The benchmark itself is not a test (no timings are asserted): this runs it scaled down and
// checks what a user reads from it — the table, and one JSON line last with the fields.
describe('npm run bench (scaled down)', () => {
  it.skipIf(!existsSync(BENCH))('prints its table, then one JSON line with every field, and removes its files', () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('foliolog-bench-'));
    const r = spawnSync(process.execPath, [BENCH, '--events', '10000', '--no-kernel', '--json'], { encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^measure +value +against +goal +met$/);
    expect(lines).toContain('(scaled down with --events: not a result)');
    const json = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining([
      'k', 'record_ratio', 'at_ratio', 'diff_ms', 'bytes_per_event', 'bytes_per_folio', 'rss_growth', 'kernel_ops_per_s', 'kernel_rss_mb',
    ]));
    expect(json['k']).toBe(CHECKPOINT_INTERVAL);
    expect(json).toMatchObject({ kernel_ops_per_s: null, kernel_rss_mb: null, kernel_reason: 'skipped (--no-kernel)' });
    for (const key of ['record_ratio', 'at_ratio', 'diff_ms', 'bytes_per_folio', 'rss_growth']) expect(json[key]).toBeGreaterThan(0);
    // A store holds more than the bare event rows and less than a KiB per event.
    expect(json['bytes_per_event']).toBeGreaterThan(20);
    expect(json['bytes_per_event']).toBeLessThan(1024);
    expect(json['events']).toBeGreaterThanOrEqual(10_000);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('foliolog-bench-'))).toEqual(before);
  }, 300_000);

  it.skipIf(!existsSync(BENCH))('refuses a size it cannot use, with one line and no partial output', () => {
    const bad = spawnSync(process.execPath, [BENCH, '--event', '100000'], { encoding: 'utf8' });
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([2, '', 'bench: unknown argument --event (want --json, --no-kernel, --events N, --postgres URL)\n']);
    const r = spawnSync(process.execPath, [BENCH, '--events', '12x'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('bench: --events: want an integer ≥ 10000, got 12x\n');
  });
});
