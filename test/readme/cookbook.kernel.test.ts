import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelSkipReason } from '../probe/_kernel.js';
import { README, ROOT, cookbookSteps, readme, runStep, sameOnAnyRelease, withOutputs } from './_cookbook.js';

// The whole README cookbook, its `### Model and kernel` part included, on this machine's
// kernel; the release name is the only thing allowed to differ from what the README shows.
describe.skipIf(kernelSkipReason !== undefined)('README cookbook with the real kernel', () => {
  it('prints what the README shows, command by command', () => {
    const text = readme();
    const steps = cookbookSteps(text);
    expect(steps.some((s) => s.kernel)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'foliolog-cookbook-'));
    try {
      cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
      const outputs = steps.map((s) => runStep(s, dir));
      if (process.env['FOLIOLOG_UPDATE_README'] === '1') writeFileSync(README, withOutputs(text, steps, outputs));
      else outputs.forEach((out, k) => expect(sameOnAnyRelease(out), steps[k]!.command).toBe(sameOnAnyRelease(steps[k]!.expected)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
