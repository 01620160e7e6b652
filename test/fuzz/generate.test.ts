import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/script/index.js';
import { MIXES, mixOps, randomScript } from '../../src/fuzz/index.js';
import { simulate } from '../../src/sim/index.js';

/** How many lines of a script start with each word. */
function words(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of text.split('\n').filter((x) => x !== '' && !x.startsWith('#'))) {
    const w = l.startsWith('madvise -c') ? 'madvise -c' : l.split(' ')[0]!;
    out.set(w, (out.get(w) ?? 0) + 1);
  }
  return out;
}

/** Lines of `n` scripts of a mix that start with one of `prefixes`, per command. */
function share(mix: (typeof MIXES)[number], prefixes: readonly string[], n = 40): number {
  let hit = 0;
  let all = 0;
  for (let seed = 1; seed <= n; seed++) {
    for (const [w, c] of words(randomScript(mix, seed))) {
      all += c;
      if (prefixes.includes(w)) hit += c;
    }
  }
  return hit / all;
}

describe('randomScript', () => {
  it('gives the same text for the same mix and seed, and another for another seed', () => {
    expect(randomScript('pins', 7)).toBe(randomScript('pins', 7));
    expect(randomScript('pins', 7)).not.toBe(randomScript('pins', 8));
    expect(randomScript('pins', 7)).not.toBe(randomScript('files', 7));
  });

  it.each(MIXES.map((m) => [m]))('writes %s scripts the parser takes and the model runs through, of the mix\'s length', (mix) => {
    const [lo, hi] = mixOps(mix);
    for (let seed = 1; seed <= 15; seed++) {
      const script = parseScript(randomScript(mix, seed), `${mix}-${seed}.fl`);
      expect(script.lines.length).toBeGreaterThanOrEqual(lo);
      expect(script.lines.length).toBeLessThanOrEqual(hi);
      expect(simulate(script).failure).toBeUndefined();
    }
  });

  it('keeps to --ops A..B', () => {
    const lengths = [1, 2, 3, 4, 5, 6].map((s) => parseScript(randomScript('long', s, [3, 5]), 'x.fl').lines.length);
    expect(lengths.every((n) => n >= 3 && n <= 5)).toBe(true);
  });

  it('weights each mix\'s corner above the long mix', () => {
    expect(share('files', ['mount', 'open', 'unlink'])).toBeGreaterThan(1.5 * share('long', ['mount', 'open', 'unlink']));
    expect(share('pins', ['pin', 'unpin', 'reclaim'])).toBeGreaterThan(1.5 * share('long', ['pin', 'unpin', 'reclaim']));
    expect(share('collapse', ['madvise -c', 'khugepaged'])).toBeGreaterThan(1.5 * share('long', ['madvise -c', 'khugepaged']));
    expect(share('knobs', ['remount', 'thp'])).toBeGreaterThan(1.5 * share('long', ['remount', 'thp']));
    const limited = Array.from({ length: 20 }, (_, s) => randomScript('enospc', s + 1)).join('');
    expect((limited.match(/mount tmpfs huge=\w+ size=/g) ?? []).length).toBe((limited.match(/mount tmpfs/g) ?? []).length);
  });

  it('never writes reclaim while a pin is held or max_ptes_none is below 511 (counts of the machine, not the script)', () => {
    let reclaims = 0;
    for (const mix of ['pins', 'knobs'] as const) {
      for (let seed = 1; seed <= 40; seed++) {
        let pins = 0;
        let none = 511;
        for (const l of randomScript(mix, seed).split('\n')) {
          if (l.startsWith('pin')) pins++;
          if (l === 'unpin') pins = 0;
          if (l.startsWith('thp khugepaged.max_ptes_none=')) none = Number(l.split('=')[1]);
          if (l !== 'reclaim') continue;
          reclaims++;
          expect([pins, none], `${mix} seed ${seed}`).toEqual([0, 511]);
        }
      }
    }
    expect(reclaims).toBeGreaterThan(20);
  });
});
