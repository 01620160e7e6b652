import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseObservation } from '../../src/script/index.js';
import { openStore } from '../../src/store/index.js';
import { recordIncomplete, recordKernel } from '../query/_runs.js';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

const CORPUS = join(import.meta.dirname, '../conformance');
const NAME = '302-punch-4k-at-0';

/** A store holding: 1 model run of NAME, 2 its kernel truth, 3 the model on another script, 4 an incomplete run. */
async function fixture(): Promise<string> {
  const db = t.file('s.db');
  const text = readFileSync(join(CORPUS, `${NAME}.fl`), 'utf8');
  const script = t.file(`${NAME}.fl`, text);
  expect((await cli('run', script, '--db', db)).code).toBe(0);
  const store = await openStore(db, 'create');
  try {
    const truth = readFileSync(join(CORPUS, `${NAME}.truth.jsonl`), 'utf8').split('\n').filter(Boolean).map(parseObservation);
    recordKernel(store, text, truth, script);
  } finally {
    await store.close();
  }
  expect((await cli('run', t.file('other.fl', '# another script\nmount tmpfs huge=always\npwrite 0 2m\nfpunch 4k 4k\n'), '--db', db)).code).toBe(0);
  const s2 = await openStore(db, 'create');
  try {
    recordIncomplete(s2, 'mount tmpfs\n');
  } finally {
    await s2.close();
  }
  return db;
}

describe('foliolog diff', () => {
  it('exits 0 when a model run and the kernel run of the same script agree', async () => {
    const db = await fixture();
    const r = await cli('diff', '1', '2', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^a: run 1 \(model, .*302-punch-4k-at-0\.fl, complete\): 5 ops\nb: run 2 \(kernel 6\.18\.44-test, .*\): 5 ops\nequal: all 5 operations agree\nsummary /);
    // The side-by-side summary: the kernel side's numbers come from its inferred folios.
    expect(r.stdout).toContain('final resident pages  511        511\n');
    expect(r.stdout).toContain('folios by order (order:count):\n  a: 0:1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1\n  b: 0:1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1\n');
  });

  it('exits 1 and prints the first differing operation with every differing field', async () => {
    const db = await fixture();
    const r = await cli('diff', '2', '3', '--db', db, '--json');
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout) as { equal: boolean; first: { i: number; line: number; op: string; fields: Record<string, unknown> }; summary: Record<string, unknown> };
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(d.equal).toBe(false);
    expect(d.first).toMatchObject({ i: 2, line: 4, op: 'fpunch 0 4k' });
    expect(Object.keys(d.first.fields)).toEqual(['op', 'folios', 'stats']);
    expect(d.summary).toMatchObject({ a: { run: 2, source: 'kernel', ops: 5, sameScript: false }, b: { run: 3, source: 'model', ops: 3 } });
    const text = await cli('diff', '2', '3', '--db', db);
    expect(text.stdout).toContain('note: the runs are of different scripts');
    expect(text.stdout).toContain('first difference: i 2, line 4: fpunch 0 4k');
    expect(text.stdout).toContain('    a: 1:0 2:1 4:2 8:3 16:4 32:5 64:6 128:7 256:8');
  });

  it('exits 2 for an incomplete run, an unknown run, a malformed id and a missing store', async () => {
    const db = await fixture();
    const incomplete = await cli('diff', '1', '4', '--db', db);
    expect(incomplete).toMatchObject({ code: 2, stdout: '' });
    expect(incomplete.stderr).toBe('foliolog: run 4 is incomplete (its writer stopped before finishing)\n');
    expect(await cli('diff', '1', '9', '--db', db)).toMatchObject({ code: 2, stderr: 'foliolog: no run 9\n' });
    expect(await cli('diff', '1', 'x', '--db', db)).toMatchObject({ code: 2, stderr: 'foliolog: not a run id: x\n' });
    expect((await cli('diff', '1', '2', '--db', t.file('none.db'))).code).toBe(2);
    expect((await cli('diff', '1', '--db', db)).code).toBe(2);
  });
});
