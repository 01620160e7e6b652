import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { README, ROOT, cookbookSteps, readme, runStep, withOutputs } from './_cookbook.js';

// Every command of the README cookbook, run in order in a fresh folder with the repository's
// examples, must print exactly what the README shows; the part that needs the real kernel is
// cookbook.kernel.test.ts's. FOLIOLOG_UPDATE_README=1 writes what they print into the README
// instead (then read the diff before committing it).
describe('README cookbook', () => {
  it('prints what the README shows, command by command', () => {
    expect(existsSync(join(ROOT, 'dist/src/cli/bin.js')), 'npm test builds the CLI first').toBe(true);
    const text = readme();
    const steps = cookbookSteps(text).filter((s) => !s.kernel);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    const dir = mkdtempSync(join(tmpdir(), 'foliolog-cookbook-'));
    try {
      cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
      const outputs = steps.map((s) => runStep(s, dir));
      if (process.env['FOLIOLOG_UPDATE_README'] === '1') writeFileSync(README, withOutputs(text, steps, outputs));
      else outputs.forEach((out, k) => expect(out, steps[k]!.command).toBe(steps[k]!.expected));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
