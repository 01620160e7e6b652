import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { LayoutHash, Shmem } from '../../src/model/index.js';
import { layoutDigest, parseScript } from '../../src/script/index.js';
import { firstUnsupportedLine } from '../../src/sim/index.js';
import { dispatch } from '../../src/sim/run.js';

const CORPUS = join(import.meta.dirname, '../conformance');
const NO_EVENTS = { emit: (): void => undefined };

/**
 * Run `text` command by command over a bare model and return, for each command, the digest the
 * model kept as it went and the batch digest of its folio list at that moment.
 */
function digests(text: string, file: string): Array<[incremental: number, batch: number]> {
  const script = parseScript(text, file);
  const model = new Shmem(NO_EVENTS);
  const out: Array<[number, number]> = [];
  for (const line of script.lines) {
    dispatch(model, line.command);
    out.push([model.layoutDigest(), layoutDigest(model.folios(), undefined, model.size())]);
  }
  return out;
}

/** A seeded random script that grows and shrinks EOF around large folios, fallocates past it, maps, pins and collapses. */
function randomScript(seed: number): string {
  const g = xoroshiro128plus(seed);
  const int = (lo: number, hi: number): number => uniformInt(g, lo, hi);
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const pages = (): string => `${int(0, 1200) * 4}k`;
  const length = (): string => `${int(1, 700) * 4 + pick([0, 0, 1])}k`;
  const lines = [`thp shmem_enabled=${pick(['never', 'always', 'within_size', 'advise'])}`, `thp hugepages-64kB=${pick(['never', 'always', 'inherit'])}`,
    `mount tmpfs huge=${pick(['never', 'always', 'within_size', 'advise'])}${pick(['', ' size=3m'])}`];
  for (let n = 0; n < 70; n++) {
    lines.push(pick([
      () => `pwrite ${pages()} ${length()}`, () => `pwrite ${pages()} ${length()}`, () => `fpunch ${pages()} ${length()}`,
      () => `falloc ${pick(['', '-k '])}${pages()} ${length()}`, () => `truncate ${pick([0, int(1, 5000), int(1, 1200) * 4096])}`,
      () => `seek -${pick(['d', 'h'])} ${pages()}`, () => 'mmap', () => 'mread', () => `mwrite -S ${int(0, 255)}`,
      () => 'pin', () => 'unpin', () => 'reclaim', () => 'madvise -c', () => 'khugepaged', () => `open ${pick(['f', 'g'])}`,
      () => `remount huge=${pick(['never', 'always', 'within_size'])}`,
    ])());
  }
  return `${lines.join('\n')}\n`;
}

describe('Shmem.layoutDigest (the digest kept as the page cache changes)', () => {
  const scripts = readdirSync(CORPUS).filter((f) => f.endsWith('.fl')).sort();

  it('has corpus scripts to run', () => {
    expect(scripts.length).toBeGreaterThan(100);
  });

  it.each(scripts)('equals the batch digest after every command of %s', (name) => {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    if (firstUnsupportedLine(parseScript(text, name))) return;
    for (const [k, [incremental, batch]] of digests(text, name).entries()) expect(incremental, `command ${k}`).toBe(batch);
  });

  const seeds = Array.from({ length: 40 }, (_, k) => k + 1);

  it.each(seeds)('equals the batch digest after every command of random script %i', (seed) => {
    const text = randomScript(seed);
    const script = parseScript(text, `random-${seed}.fl`);
    expect(firstUnsupportedLine(script)).toBeUndefined();
    for (const [k, [incremental, batch]] of digests(text, `random-${seed}.fl`).entries()) {
      expect(incremental, `command ${k}: ${script.lines[k]!.op}`).toBe(batch);
    }
  });

  it('meets many layouts, not-uptodate folios and uptodate folios past EOF in the random scripts', () => {
    const seen = new Set<number>();
    let notUptodate = 0;
    let pastEof = 0;
    for (const seed of seeds) {
      const model = new Shmem(NO_EVENTS);
      for (const line of parseScript(randomScript(seed), 'r.fl').lines) {
        dispatch(model, line.command);
        seen.add(model.layoutDigest());
        const eof = Number((model.size() + 4095n) / 4096n);
        if (model.folios().some(([, , up]) => up === 0)) notUptodate++;
        if (model.folios().some(([index, , up]) => up === 1 && index >= eof)) pastEof++;
      }
    }
    expect(seen.size).toBeGreaterThan(300);
    expect(notUptodate).toBeGreaterThan(100);
    expect(pastEof).toBeGreaterThan(20);
  });

  it('is 0 without a file, as the batch digest of an empty observation', () => {
    expect(new Shmem(NO_EVENTS).layoutDigest()).toBe(layoutDigest([], undefined, 0n));
  });
});

describe('LayoutHash', () => {
  it('returns to 0 when every unit added is taken away, in any order', () => {
    const h = new LayoutHash();
    h.exact(512, 9, 1);
    h.notUptodate(0, 16, 1);
    h.blind(1024, 3, 1);
    expect(h.value()).not.toBe(0);
    h.notUptodate(8, 8, -1);
    h.blind(1024, 3, -1);
    h.exact(512, 9, -1);
    h.notUptodate(0, 8, -1);
    expect(h.value()).toBe(0);
  });

  it('tells the parts apart over the same pages', () => {
    const values = [(h: LayoutHash) => h.exact(0, 0, 1), (h: LayoutHash) => h.notUptodate(0, 1, 1), (h: LayoutHash) => h.blind(0, 1, 1)]
      .map((add) => {
        const h = new LayoutHash();
        add(h);
        return h.value();
      });
    expect(new Set(values).size).toBe(3);
  });
});
