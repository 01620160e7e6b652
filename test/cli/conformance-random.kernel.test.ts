import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kernelSkipReason, leftovers, readKnobs } from '../probe/_kernel.js';
import { parseObservation, compareObservations } from '../../src/script/index.js';
import { simulateText } from '../../src/sim/index.js';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

describe.skipIf(kernelSkipReason !== undefined)('foliolog conformance --random on the kernel', () => {
  it('compares seeded scripts of a mix with the kernel and saves nothing when they agree', async () => {
    const knobs = readKnobs();
    const before = leftovers();
    const r = await cli('conformance', '--random', '3', '--mix', 'files', '--ops', '5..12', '--out', t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('random mix files: 3 scripts (seeds 1..3, 5..12 commands): agree 3, disagree 0\n');
    expect(readdirSync(t.dir)).toEqual([]);
    expect([readKnobs(), leftovers()]).toEqual([knobs, before]);
  });

  it('shrinks a disagreement, saves it with the kernel truth, and exits 1', async () => {
    // Collapse seed 149 (8..14 commands) meets a block holding a fallocated PMD folio: the
    // variant answers as earlier builds, so it disagrees with this kernel there.
    const r = await cli('conformance', '--random', '1', '--mix', 'collapse', '--seed', '149', '--ops', '8..14',
      '--variant', 'collapse-passes-fallocated-pmd', '--out', t.dir, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { mixes: Array<{ disagree: Array<{ ops: number; shrunk: { ops: number; script: string; truth: string } }> }> };
    const bad = report.mixes[0]!.disagree;
    expect(bad).toHaveLength(1);
    expect(bad[0]!.shrunk.ops).toBeLessThan(bad[0]!.ops);
    expect(bad[0]!.shrunk.script).toBe(join(t.dir, 'random-collapse-149.fl'));
    const text = readFileSync(bad[0]!.shrunk.script, 'utf8');
    const truth = readFileSync(bad[0]!.shrunk.truth, 'utf8').trim().split('\n').map((l) => parseObservation(l));
    expect(text).toMatch(/^# random mix collapse, seed 149: shrunk from \d+ to \d+ commands; kernel \S+\n/);
    // The saved truth is the kernel's: the default model, which follows this kernel, agrees with it.
    const model = simulateText(text);
    expect(model).toHaveLength(truth.length);
    expect(model.map((o, i) => compareObservations(o, truth[i]!)).filter((f) => Object.keys(f).length > 0)).toEqual([]);
    expect(simulateText(text, { variant: 'collapse-passes-fallocated-pmd' }).some((o, i) => Object.keys(compareObservations(o, truth[i]!)).length > 0)).toBe(true);
  });
});
