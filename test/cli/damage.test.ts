import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAMAGES, overwritePage, rootPages } from '../store/_damage.js';
import { cli, fileHash, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

const SCRIPT = 'mount tmpfs huge=within_size\npwrite 0 60k\npwrite 64k 64k\nmount tmpfs huge=never\npwrite 0 4m\ntruncate 1m\n';

/** A closed store holding two runs of SCRIPT, and the script. */
async function fixture(): Promise<{ db: string; script: string }> {
  const db = t.file('s.db');
  const script = t.file('s.fl', SCRIPT);
  for (const _ of [1, 2]) expect((await cli('run', script, '--db', db)).code).toBe(0);
  return { db, script };
}

const COMMANDS: ReadonlyArray<readonly [string, (db: string, script: string) => string[]]> = [
  ['runs', (db) => ['runs', '--db', db]],
  ['runs --delete', (db) => ['runs', '--delete', '1', '--vacuum', '--db', db]],
  ['diff', (db) => ['diff', '1', '2', '--db', db, '--json']],
  ['run', (db, script) => ['run', script, '--db', db]],
];

describe.each(DAMAGES)('a store with $name', ({ words, apply }) => {
  it.each(COMMANDS)('makes %s print one line saying it is damaged, exit 2, and write nothing', async (_name, argv) => {
    const { db, script } = await fixture();
    apply(db);
    const before = fileHash(db);
    const r = await cli(...argv(db, script));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`foliolog: ${db} is damaged: `), r.stderr).toBe(true);
    expect(r.stderr.split('\n')).toEqual([expect.any(String), '']);
    expect(r.stderr).toMatch(words);
    expect(fileHash(db)).toBe(before);
    expect(readdirSync(t.dir).sort()).toEqual(['s.db', 's.fl']);
  });
});

describe('a store whose event log is damaged', () => {
  // (diff of two runs that agree reads only their operation rows and tallies, not the event log.)
  it('lists its runs, but at and run, which read the event log, report the damage and write nothing', async () => {
    const { db, script } = await fixture();
    overwritePage(db, rootPages(db)['events']!);
    const before = fileHash(db);
    expect((await cli('runs', '--db', db)).code).toBe(0);
    for (const argv of [['at', '1', '@1', '--db', db], ['run', script, '--db', db]]) {
      const r = await cli(...argv);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toBe(`foliolog: ${db} is damaged: database disk image is malformed (SQLITE_CORRUPT)\n`);
    }
    expect(fileHash(db)).toBe(before);
  });
});
