import { describe, expect, it } from 'vitest';
import type { BugName } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import { RandomScheduler, ReplayScheduler, simulate } from '../../src/sim/index.js';
import type { Scheduler } from '../../src/sim/index.js';

/** Each bug switch with a script (and schedule) that shows it, and the check that must catch it. */
const CASES: ReadonlyArray<{ bug: BugName; check: string; text: string; schedule?: string; failsAt: { line: number; task?: string; step?: number } }> = [
  {
    // B's fault looks the page up after the punch removed it, and allocates after the rescan.
    bug: 'fault-during-punch', check: 'punch-empties-range',
    text: 'mount tmpfs huge=never\npwrite 0 8k\nmmap\n[A] fpunch 0 4k\n[B] mwrite 0 4k\n',
    schedule: 'AAABABABB', failsAt: { line: 4, task: 'A', step: 6 },
  },
  {
    // The pin makes the split of the PMD folio fail: the punched 64 KiB must still read as zeros.
    bug: 'punch-no-zero', check: 'byte-model',
    text: 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 0 4k\nfpunch 64k 64k\npread 64k 64k\n',
    failsAt: { line: 6 },
  },
  {
    // huge=never and every per-size knob at never: a fault may only take order 0.
    bug: 'fault-size-hint', check: 'new-folio-order',
    text: 'mount tmpfs huge=never\ntruncate 256k\nmmap\nmread 0 4k\n',
    failsAt: { line: 4 },
  },
  {
    // Per-block state: the write marks page 0 of the fallocated PMD folio uptodate, not the
    // folio; the fault on page 1 then zeroes every page of it, page 0 included.
    bug: 'fault-clears-partial', check: 'byte-model',
    text: 'mount tmpfs huge=always\nfalloc 0 2m\npwrite 0 4k\nmmap\nmread 4096 4096\npread 0 4k\n',
    failsAt: { line: 6 },
  },
];

function run(text: string, bugs: readonly BugName[], scheduler: Scheduler) {
  return simulate(parseScript(text, 'bug.fl'), { bugs, scheduler, keepObservations: false });
}

describe('bug switches', () => {
  it.each(CASES)('$bug is caught by the $check check, which names it, the step and the task', ({ bug, check, text, schedule, failsAt }) => {
    const sched = () => (schedule ? new ReplayScheduler([...schedule]) : new RandomScheduler(1));
    const r = run(text, [bug], sched());
    expect(r.failure).toMatchObject({ kind: 'check', check, ...failsAt });
    const where = failsAt.task ? `step ${failsAt.step}, task ${failsAt.task}: ` : '';
    expect(r.failure!.message).toMatch(new RegExp(`^bug\\.fl:${failsAt.line}: ${where}check ${check} failed: `));
    // The same script and schedule pass without the switch.
    expect(run(text, [], sched()).failure).toBeUndefined();
  });

  it('keeps fault-clears-partial\'s script passing with per-block state and no switch', () => {
    const text = CASES.find((c) => c.bug === 'fault-clears-partial')!.text;
    const r = simulate(parseScript(text, 'bug.fl'), { policy: [{ name: 'per-block', params: {} }] });
    expect(r.failure).toBeUndefined();
    expect(r.observations[5]!.data).toEqual([[0, 4096, 0xcd]]);
  });

  it('finds fault-during-punch under some seed of the random scheduler, and never without the switch', () => {
    const text = CASES[0]!.text;
    const failing = [];
    for (let seed = 1; seed <= 200; seed++) {
      expect(run(text, [], new RandomScheduler(seed)).failure).toBeUndefined();
      if (run(text, ['fault-during-punch'], new RandomScheduler(seed)).failure?.check === 'punch-empties-range') failing.push(seed);
    }
    expect(failing.length).toBeGreaterThan(0);
  });
});
