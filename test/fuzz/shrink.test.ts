import { describe, expect, it } from 'vitest';
import { failsAs, Fuzzer, reproSize, shrinkRepro, trial } from '../../src/fuzz/index.js';

/**
 * A failing script with noise around it: task A punches inside a pinned PMD folio and reads the
 * punched bytes back; task B's commands are atomic, so none overlaps A's (the oracle knows the
 * bytes), and none touches the punched range.
 */
const PINNED_PUNCH = [
  'mount tmpfs huge=always', 'pwrite 0 4m', 'mmap', 'pin 2m 4k',
  '[A] pread 0 64k', '[B] pwrite -S 7 1m 8k', '[A] seek -d 0', '[B] pread 0 4k', '[A] fpunch 2m 64k',
  '[B] pwrite -S 9 3m 16k', '[A] pread 2m 64k', '[B] falloc 0 1m', '[A] pwrite 3m 4k', '[B] pread 3m 4k',
];

describe('shrinkRepro', () => {
  it('shrinks a failing script to the few commands that still fail the same check on the same command kind', async () => {
    const kind = { check: 'byte-model' as const, cmd: 'pread' as const };
    const first = trial(`${PINNED_PUNCH.join('\n')}\n`, 'p.fl', ['punch-no-zero'], { random: 1 });
    expect(failsAs(first, kind)).toBe(true);
    const s = await shrinkRepro(PINNED_PUNCH, { random: 1 }, ['punch-no-zero'], kind);
    expect(s.before).toBe(reproSize(PINNED_PUNCH));
    expect(s.after).toBeLessThanOrEqual(5); // pwrite, mmap, pin, fpunch, pread
    // What is left: the pin, the punch inside the pinned folio, and the read of the punched bytes.
    expect(s.lines.filter((l) => /^(pin|fpunch|pread)/.test(l.replace(/^\[[A-Z]\] /, '')))).toHaveLength(3);
    expect(failsAs(trial(`${s.lines.join('\n')}\n`, 'p.fl', ['punch-no-zero']), kind)).toBe(true);
    // Without the bug the shrunk script passes: it is the bug that fails it.
    expect(trial(`${s.lines.join('\n')}\n`, 'p.fl', [])!.failure).toBeUndefined();
  });

  it('keeps a schedule only when the failure needs an interleaving that the default run does not give', async () => {
    const f = new Fuzzer({ seeds: [1, 200], ops: 20, tasks: 2, bugs: ['fault-during-punch'] });
    while (f.step());
    const found = f.found!;
    const kind = { check: found.trial.failure.check!, cmd: found.trial.failedCmd! };
    const lines = found.script.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const s = await shrinkRepro(lines, found.sched, ['fault-during-punch'], kind);
    expect(s.after).toBeLessThanOrEqual(10);
    expect(s.lines.some((l) => l.startsWith('[A]')) && s.lines.some((l) => l.startsWith('[B]'))).toBe(true);
    const replay = s.schedule === undefined ? { random: 1 } : { replay: s.schedule };
    expect(failsAs(trial(`${s.lines.join('\n')}\n`, 'r.fl', ['fault-during-punch'], replay), kind)).toBe(true);
    if (s.schedule !== undefined) expect(failsAs(trial(`${s.lines.join('\n')}\n`, 'r.fl', ['fault-during-punch']), kind)).toBe(false);
  });

  it('refuses a script that does not fail', async () => {
    await expect(shrinkRepro(['mount tmpfs', 'pwrite 0 4k'], { random: 1 }, [], { check: 'byte-model', cmd: 'pread' }))
      .rejects.toThrow(/does not fail/);
  });
});
