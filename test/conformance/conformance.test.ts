import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceSummary, judgeEntry, loadCorpus, type Verdict } from '../../src/cli/conformance.js';

// The model against every truth recorded on the real kernel (record.mjs). Runs anywhere,
// without root. Every script must agree on every operation, except those listed with their
// reason: known-disagreements.json for disagreements reported and not fixed yet, and
// not-modelled.json for scripts the model refuses, or stops on as unsupported (a stop midway
// would otherwise hide whatever the rest of the script would disagree on). Each listed script
// must still be what its list says (fixing the model makes its entry fail here until it is
// removed).

const DIR = import.meta.dirname;
const corpus = loadCorpus(DIR);
const verdicts = new Map<string, Verdict>(corpus.map((e) => [e.name, judgeEntry(e)]));
const known = JSON.parse(readFileSync(join(DIR, 'known-disagreements.json'), 'utf8')) as Record<string, string>;
const allowedNotModelled = JSON.parse(readFileSync(join(DIR, 'not-modelled.json'), 'utf8')) as Record<string, string>;
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

  it('names every listed script after a corpus script, with a reason', () => {
    for (const list of [known, allowedNotModelled]) {
      expect(Object.keys(list).filter((k) => !verdicts.has(k))).toEqual([]);
      expect(Object.entries(list).filter(([, why]) => why.trim() === '')).toEqual([]);
    }
  });

  it.each([...verdicts.keys()])('%s', (name) => {
    const v = verdicts.get(name)!;
    if (known[name] !== undefined) {
      expect(v.status, `${name} now agrees: remove it from known-disagreements.json`).toBe('disagree');
      return;
    }
    if (allowedNotModelled[name] !== undefined) {
      expect(v.status, `${name} is now modelled: remove it from not-modelled.json`).toBe('not-modelled');
      return;
    }
    // A truth of another kernel build may differ by a rule on which builds differ (judgeEntry).
    if (v.status === 'other-release') return;
    expect(v.status === 'agree' ? 'agree' : `${v.status}: ${explain(v)}`).toBe('agree');
    expect(v.agreeing).toBe(v.ops);
  });

  it('answers as earlier 6.18.44 builds under collapse-passes-fallocated-pmd: only the truths of its rule differ', () => {
    const under = corpus.map((e) => judgeEntry(e, 'collapse-passes-fallocated-pmd')).filter((v) => known[v.name] === undefined);
    expect(under.filter((v) => v.status !== 'agree' && v.status !== 'other-release').map((v) => v.name)).toEqual([]);
    expect(under.filter((v) => v.status === 'other-release').map((v) => [v.name, v.release, v.rule])).toEqual(
      ['646-collapse-fallocated-pmd-anon', '647-collapse-fallocated-pmd-ends-walk', '648-collapse-fallocated-pmd-files']
        .map((name) => [name, '6.18.44-fc-v1272', 'collapse-passes-fallocated-pmd']));
  });
});
