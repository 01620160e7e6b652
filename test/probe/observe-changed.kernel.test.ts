import { describe, expect, it } from 'vitest';
import { kernelSkipReason, run } from './_kernel.js';

/** A seeded mix of the commands the probe observes only in part (pwrite, pread, falloc,
 * fpunch, fzero, seek) and of those it observes in full (mount, truncate, open), over files
 * whose folios range from order 0 to PMD, with blind pages and not-uptodate runs. Pure. */
function mixedScript(seed: number, n: number): string {
  let s = seed;
  const rnd = (m: number): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % m;
  };
  const pos = (): number => rnd(2048) * 4096 + (rnd(4) === 0 ? rnd(4096) : 0);
  const len = (): number => [4096, 8192, 65536, 2 << 20, 1 + rnd(300000)][rnd(5)]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 60 === 0) { out.push(`mount tmpfs huge=${['within_size', 'always', 'never'][(i / 60) % 3]}`); continue; }
    const r = rnd(100);
    if (r < 35) out.push(`pwrite ${pos()} ${len()}`);
    else if (r < 45) out.push(`falloc ${pos()} ${len()}`);
    else if (r < 50) out.push(`falloc -k ${pos()} ${len()}`);
    else if (r < 62) out.push(`fpunch ${pos()} ${len()}`);
    else if (r < 65) out.push(`fzero ${pos()} ${len()}`);
    else if (r < 68) out.push(`truncate ${pos()}`);
    else if (r < 76) out.push(`pread ${pos()} ${len()}`);
    else if (r < 96) out.push(`seek -${r < 86 ? 'h' : 'd'} ${pos()}`);
    else out.push(`open f${rnd(3)}`);
  }
  return `${out.join('\n')}\n`;
}

describe.skipIf(kernelSkipReason !== undefined)('observing only the blocks a command changed', () => {
  it('records the observations a whole-file observation after every command records', async () => {
    const text = mixedScript(7, 360);
    const whole = await run(text, { verifyObservations: true });
    const changed = await run(text, { verifyObservations: false });
    expect(whole.observations).toHaveLength(360);
    expect(changed.observations).toEqual(whole.observations);
    // In verify mode the helper also compares its shortcut with the whole file, command by command.
    expect(whole.warnings.filter((w) => /differs/.test(w))).toEqual([]);
  });

  it('sees a folio written far past EOF, then removed by a truncate below it', async () => {
    const text = 'mount tmpfs huge=always\npwrite 0 4k\nseek -h 0\npwrite 8m 4k\ntruncate 6m\nseek -d 0\npwrite 1m 4k\n';
    const whole = await run(text, { verifyObservations: true });
    const changed = await run(text, { verifyObservations: false });
    expect(changed.observations).toEqual(whole.observations);
    expect(changed.observations[3]?.folios).toEqual([[0, 9, 1], [2048, 9, 1]]);
    expect(changed.observations.at(-1)?.folios).toEqual([[0, 9, 1]]);
  });
});
