import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../cli/_cli.js';

const MAX_RSS = resolve(import.meta.dirname, '_max-rss.mjs');
const GIB = 1024 * 1024 * 1024;

/**
 * The 16 GiB script: 4,194,304 live order-0 folios written 1 GiB at a time, half of each GiB
 * punched, a SEEK_HOLE, then the whole file punched (12,582,932 events).
 */
function sixteenGib(): string {
  const lines = ['mount tmpfs huge=never size=20g', 'open big'];
  for (let g = 0; g < 16; g++) lines.push(`pwrite ${g}g 1g`);
  for (let g = 0; g < 16; g++) lines.push(`fpunch ${g}g 512m`);
  lines.push('seek -h 0', 'fpunch 0 16g');
  return `${lines.join('\n')}\n`;
}

describe('a 16 GiB file of order-0 folios', () => {
  it('is recorded by `foliolog run --no-check`, table and all, in under 1 GiB of RSS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'foliolog-scale-'));
    try {
      const script = join(dir, 'big.fl');
      writeFileSync(script, sixteenGib());
      const out = join(dir, 'out.txt');
      const r = spawnSync(process.execPath, ['--import', MAX_RSS, BIN, 'run', script, '--no-check', '--db', join(dir, 's.db')], {
        stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20, encoding: 'utf8',
      });
      writeFileSync(out, r.stdout);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^run 1: complete, 36 ops, 12582932 events, /m);
      const rows = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(rows[18]).toMatch(/^17 +18 +pwrite 15g 1g .* 0-4194303:0$/);
      expect(rows[19]).toMatch(/^18 +19 +fpunch 0g 512m .* 131072-4194303:0$/);
      expect(rows.at(-1)).toMatch(/^35 +36 +fpunch 0 16g .* \(empty\)$/);
      const kib = Number(/^max-rss-kib (\d+)$/m.exec(r.stderr)?.[1]);
      console.log(`16 GiB run: peak RSS ${(kib / 1024).toFixed(0)} MiB`);
      expect(kib * 1024).toBeLessThan(GIB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 15 * 60_000);
});
