import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEntry, conformanceSummary, loadCorpus, type Verdict } from '../../src/cli/conformance.js';

// The model against every truth recorded on the real kernel (record.mjs). Runs anywhere,
// without root. A script the model refuses, or stops on as unsupported, is "not modelled
// yet" and counted; every script the model runs through must agree on every operation.
// known-disagreements.json lists the disagreements reported and not fixed yet: each must
// still disagree (fixing the model makes its entry fail here until it is removed).

const DIR = import.meta.dirname;
const corpus = loadCorpus(DIR);
const verdicts = new Map<string, Verdict>(corpus.map((e) => [e.name, checkEntry(e)]));
const known = JSON.parse(readFileSync(join(DIR, 'known-disagreements.json'), 'utf8')) as Record<string, string>;
const all = [...verdicts.values()];
const notModelled = all.filter((v) => v.status === 'not-modelled');

console.log(`conformance: ${conformanceSummary(all).replace('\n', '; ')}`);
if (notModelled.length > 0) console.log(`conformance: not modelled yet: ${notModelled.map((v) => v.name).join(' ')}`);

function explain(v: Verdict): string {
  if (v.first === undefined) return v.reason ?? v.status;
  const fields = Object.entries(v.first.fields).map(([k, [a, b]]) => `${k}: model ${String(JSON.stringify(a, big))} kernel ${String(JSON.stringify(b, big))}`);
  return `i ${v.first.i}, line ${v.first.line} (${v.first.op}): ${fields.join('; ')}`;
}
function big(_k: string, x: unknown): unknown {
  return typeof x === 'bigint' ? x.toString() : x;
}

describe('conformance corpus (test/conformance)', () => {
  it('holds at least 150 scripts, each with its truth, all recorded on one release', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    const scripts = readdirSync(DIR).filter((f) => /^\d{3}-.*\.fl$/.test(f)).length;
    expect(readdirSync(DIR).filter((f) => f.endsWith('.truth.jsonl'))).toHaveLength(scripts);
    expect(readFileSync(join(DIR, 'RELEASE'), 'utf8')).toMatch(/^6\.18\.\S+\n$/);
    for (const e of corpus) expect(e.truth.length, e.name).toBeGreaterThan(0);
  });

  it('names every known disagreement after a corpus script', () => {
    expect(Object.keys(known).filter((k) => !verdicts.has(k))).toEqual([]);
  });

  it.each([...verdicts.keys()])('%s', (name) => {
    const v = verdicts.get(name)!;
    if (known[name] !== undefined) {
      expect(v.status, `${name} now agrees: remove it from known-disagreements.json`).toBe('disagree');
      return;
    }
    expect(v.status === 'disagree' ? explain(v) : v.status).not.toMatch(/^i \d|check \S+ failed|invariant|observations/);
    expect(['agree', 'not-modelled']).toContain(v.status);
  });

  it('agrees on every operation once every script is modelled', () => {
    if (notModelled.length > 0) return;
    const agreeing = all.filter((v) => known[v.name] === undefined).every((v) => v.agreeing === v.ops);
    expect(agreeing).toBe(true);
  });
});
