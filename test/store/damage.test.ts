import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { damageOf, wrapSqliteError } from '../../src/store/errors.js';
import { type OpenMode, type Store, isStoreError, openStore } from '../../src/store/index.js';
import { DAMAGES, leafPages, overwritePage, rootPages } from './_damage.js';
import { sha256File, tempDir } from './_helpers.js';
import { recordRun } from './_stream.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** A closed store of three runs of 3000 events each. */
async function fixture(): Promise<string> {
  const path = tmp.file('s.db');
  const store = await openStore(path, 'create');
  for (const seed of [1, 2, 3]) recordRun(store, 3000, { seed });
  await store.close();
  return path;
}

/** What opening in `mode` and listing the runs threw. */
async function openAndList(path: string, mode: OpenMode): Promise<unknown> {
  try {
    const store = await openStore(path, mode);
    try {
      await store.listRuns();
    } finally {
      await store.close();
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

function expectDamaged(error: unknown, path: string, words: RegExp): void {
  expect(isStoreError(error, 'E_DAMAGED'), String(error)).toBe(true);
  const { message } = error as Error;
  expect(message.startsWith(`${path} is damaged: `), message).toBe(true);
  expect(message).toMatch(words);
  expect(message).not.toContain('\n');
}

describe.each(DAMAGES)('a store with $name', ({ words, apply }) => {
  it.each(['create', 'existing', 'readonly'] as const)("is reported as E_DAMAGED in '%s' mode and left byte-identical", async (mode) => {
    const path = await fixture();
    apply(path);
    const before = sha256File(path);
    expectDamaged(await openAndList(path, mode), path, words);
    expect(sha256File(path)).toBe(before);
    if (mode !== 'readonly') expect(readdirSync(tmp.dir)).toEqual(['s.db']);
  });
});

describe('damage found by a read after opening', () => {
  let path: string;
  let store: Store | undefined;
  beforeEach(async () => {
    path = await fixture();
    const pages = rootPages(path);
    overwritePage(path, pages['events']!);
    overwritePage(path, pages['operations']!);
  });
  afterEach(async () => { await store?.close(); store = undefined; });

  it('refuses a store to record into before writing, when the pages new rows go to are damaged', async () => {
    const before = sha256File(path);
    expectDamaged(await openAndList(path, 'create'), path, /database disk image is malformed/);
    expect(sha256File(path)).toBe(before);
  });

  it.each(['existing', 'readonly'] as const)("reports E_DAMAGED from every read method and Kysely query ('%s')", async (mode) => {
    store = await openStore(path, mode);
    const s = store;
    expect((await s.listRuns()).map((r) => r.id)).toEqual([1, 2, 3]);
    const words = /database disk image is malformed \(SQLITE_CORRUPT\)/;
    for (const read of [() => s.readEvents(2, 0, 10), () => s.liveFoliosAt(2, 2000), () => s.loadOperations(2)]) {
      expectDamaged((() => { try { read(); return undefined; } catch (e) { return e; } })(), path, words);
    }
    expectDamaged(await s.db.selectFrom('events').selectAll().where('run_id', '=', 2).execute().catch((e: unknown) => e), path, words);
  });
});

describe("opening to record ('create')", () => {
  it('refuses a store whose run list is damaged away from its last page', async () => {
    const path = tmp.file('s.db');
    const store = await openStore(path, 'create');
    for (let k = 0; k < 60; k++) recordRun(store, 10);
    await store.close();
    const leaves = leafPages(path, 'runs');
    expect(leaves.length).toBeGreaterThan(1);
    overwritePage(path, leaves[0]!);
    const before = sha256File(path);
    expectDamaged(await openAndList(path, 'create'), path, /database disk image is malformed/);
    expect(sha256File(path)).toBe(before);
  });

  it('refuses a store whose last event page is damaged', async () => {
    const path = await fixture();
    overwritePage(path, leafPages(path, 'events').at(-1)!);
    expectDamaged(await openAndList(path, 'create'), path, /database disk image is malformed/);
  });

  it('reads no more than that: an old event page is left to the reads that need it', async () => {
    const path = await fixture();
    overwritePage(path, leafPages(path, 'events')[0]!);
    const store = await openStore(path, 'create');
    try {
      expect(() => store.readEvents(1, 0, 10)).toThrowError(expect.objectContaining({ code: 'E_DAMAGED' }));
    } finally {
      await store.close();
    }
  });
});

describe('damageOf', () => {
  const driver = (code: string): Error => Object.assign(new Error('what SQLite says'), { code });

  it.each(['SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_NOTADB'])('classifies %s as E_DAMAGED with its words and code', (code) => {
    expect(damageOf(driver(code), 'x.db')).toMatchObject({ code: 'E_DAMAGED', message: `x.db is damaged: what SQLite says (${code})` });
    expect(wrapSqliteError(driver(code), 'x.db', 'cannot open x.db').code).toBe('E_DAMAGED');
  });

  it('leaves every other driver error to E_SQLITE', () => {
    expect(damageOf(driver('SQLITE_BUSY'), 'x.db')).toBeUndefined();
    expect(damageOf('not an error', 'x.db')).toBeUndefined();
    expect(wrapSqliteError(driver('SQLITE_BUSY'), 'x.db', 'cannot open x.db')).toMatchObject({ code: 'E_SQLITE', message: 'cannot open x.db: what SQLite says' });
  });
});
