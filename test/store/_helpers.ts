import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type Clock, type EventRow, type RunMeta, type Store, openStore } from '../../src/store/index.js';
import { storeAt } from './_backend.js';

/** A temporary directory, removed by `cleanup()`. */
export function tempDir(): { readonly dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-store-'));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh store in a fresh temporary folder for each test of the calling file, handed to `use`
 * before the test; closed and removed after it.
 */
export function freshStorePerTest(use: (store: Store) => void): void {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(async () => {
    tmp = tempDir();
    store = await openStore(await storeAt(tmp.file('s.db')), 'create');
    use(store);
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });
}

/** SHA-256 of a file's bytes, hex. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A fixed clock: tests never read the wall clock. */
export const CLOCK: Clock = { now: () => new Date('2025-01-02T03:04:05.000Z') };

/** Run metadata for a model run of `name`. */
export function meta(name = 't.fl', overrides: Partial<RunMeta> = {}): RunMeta {
  return {
    source: 'model', scriptName: name, scriptText: 'mount tmpfs huge=always\npwrite 0 2m\n',
    config: { check: true }, seed: 1, policy: 'linux-6.18', bugs: [], schedule: null,
    foliologVersion: '0.1.0', nodeVersion: '20.0.0', kernelRelease: null, ...overrides,
  };
}

/**
 * The event-log hash recomputed independently of src/store: JSON.stringify of each row as an
 * array (bigints spliced in as bare digits), one per line.
 */
export function expectedHash(rows: readonly EventRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) {
    const text = JSON.stringify([r.seq, r.i, r.folio, r.event, r.from, r.to, r.arg],
      (_k, v: unknown) => (typeof v === 'bigint' ? `#big:${v}#` : v));
    h.update(text.replace(/"#big:(-?\d+)#"/g, '$1') + '\n');
  }
  return h.digest('hex');
}

/** Every migration of `migrations/`, by name, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = readdirSync(new URL('../../migrations', import.meta.url))
  .filter((f) => /^\d{4}_.*\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort();
