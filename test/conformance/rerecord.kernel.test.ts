import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/cli/conformance.js';
import { runOnKernel } from '../../src/probe/index.js';
import { compareObservations, parseScript, type Observation } from '../../src/script/index.js';
import { kernelSkipReason } from '../probe/_kernel.js';

// A sample of the truths recorded on this machine's kernel release is recorded again and must
// still match: the truths are not stale.

const DIR = import.meta.dirname;
const corpus = loadCorpus(DIR).filter((e) => e.release === release());
const skip = kernelSkipReason ?? (corpus.length === 0 ? `no truth was recorded on this kernel, ${release()}` : undefined);
if (skip !== undefined) console.log(`conformance re-recording skipped: ${skip}`);

const SAMPLE = 10;
const sample = corpus.filter((_, k) => k % Math.ceil(corpus.length / SAMPLE) === 0);

function differences(now: readonly Observation[], truth: readonly Observation[]): string[] {
  if (now.length !== truth.length) return [`${now.length} observations, the truth has ${truth.length}`];
  return now.flatMap((o, i) => {
    const d = compareObservations(o, truth[i]!);
    return Object.keys(d).length === 0 ? [] : [`i ${i} (${o.op}): ${Object.keys(d).join(', ')}`];
  });
}

describe.skipIf(skip !== undefined)('conformance truths on the live kernel', () => {
  it.each(sample.map((e) => [e.name, e] as const))('%s still records as its truth', async (_name, e) => {
    const script = parseScript(e.text, `${e.name}.fl`);
    let diff = differences((await runOnKernel(script)).observations, e.truth);
    // One retry: the machine is shared, and record.mjs kept only scripts that recorded twice alike.
    if (diff.length > 0) diff = differences((await runOnKernel(script)).observations, e.truth);
    expect(diff).toEqual([]);
  });
});
