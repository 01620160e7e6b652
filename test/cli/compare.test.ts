import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomScript } from '../../src/fuzz/index.js';
import { type Shmem, parsePolicy } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import { Simulation } from '../../src/sim/index.js';
import { cli, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

/** A PMD folio pinned at page 0, its second megabyte punched (the split fails), unpinned, reclaimed. */
const PINNED = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 0 4k\nfpunch 1m 1m\nunpin\nreclaim\n';

describe('foliolog compare', () => {
  it('runs the script under each policy and prints their memory side by side', async () => {
    const db = t.file('s.db');
    const r = await cli('compare', t.file('p.fl', PINNED), '--db', db, '--json', '--policies', 'linux-6.18,flag-reclaim,zeropage-scan');
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as { runs: Array<Record<string, unknown>> }).runs;
    expect(rows.map((x) => [x.policy, x.run, x.status])).toEqual([['linux-6.18', 1, 'complete'], ['flag-reclaim', 2, 'complete'], ['zeropage-scan', 3, 'complete']]);
    // 6.18 keeps the punched megabyte (256 pages holding no data) to the end; flag-reclaim frees it
    // at the reclaim; the scanner, never asked to scan, changes nothing.
    expect(rows[0]).toMatchObject({ peak_resident: 512, final_resident: 512, peak_no_data: 256, final_no_data: 256, split: 0, split_failed: 1 });
    expect(rows[1]).toMatchObject({ peak_resident: 512, final_resident: 256, peak_no_data: 256, final_no_data: 0, split: 1, split_failed: 1 });
    expect(rows[2]).toMatchObject({ final_resident: 512, final_no_data: 256 });
    // The integral: 256 no-data pages after each of the punch, the unpin and (6.18) the reclaim.
    expect(rows[0]!.no_data_integral).toBe(256 * 3);
    expect(rows[1]!.no_data_integral).toBe(256 * 2);
    const table = await cli('compare', t.file('p.fl', PINNED), '--db', db, '--policies', 'linux-6.18,flag-reclaim');
    expect(table.stdout).toMatch(/^policy +run +status +peak resident/);
    expect(table.stdout).toMatch(/^flag-reclaim +5 +complete +512 +256 +256 +0 +512$/m);
    expect(table.stdout).toMatch(/^policy +split +split failed +retried +pages scanned +bytes compared +zeros holed +seek no-data +metadata peak$/m);
    expect(table.stdout).toMatch(/^flag-reclaim +1 +1 +1 +0 +0 +0 +0 +0$/m);
  });

  it('counts each policy\'s work: retries, pages scanned and bytes compared, written zeros freed, SEEK\'s no-data bytes, per-block state', async () => {
    // Pages 256-257 written as zeros, the rest 0xcd; page 384 punched out of the pinned PMD folio
    // (the split fails); SEEK from 0; the pin dropped, a reclaim, a scan pass.
    const script = t.file('w.fl', 'mount tmpfs huge=always\npwrite 0 2m\npwrite -S 0 1m 8k\nmmap\npin 0 4k\nfpunch 1536k 4k\n'
      + 'seek -h 0\nseek -d 1536k\nunpin\nreclaim\nscan\n');
    const r = await cli('compare', script, '--db', t.file('s.db'), '--json', '--policies', 'linux-6.18,per-block,flag-reclaim,zeropage-scan');
    expect(r.code).toBe(0);
    const [six, perBlock, flag, scan] = (JSON.parse(r.stdout) as { runs: Array<Record<string, unknown>> }).runs;
    const work = (x: Record<string, unknown> | undefined) => [x!.split_retries, x!.pages_scanned, x!.bytes_compared, x!.zeros_holed,
      x!.seek_no_data, x!.peak_metadata_bytes, x!.final_metadata_bytes];
    // 6.18: SEEK_HOLE answers EOF (2 MiB) and SEEK_DATA the punched page itself: both report it,
    // zeros kept uptodate, as data.
    expect(work(six)).toEqual([0, 0, 0, 0, 2 * 4096, 0, 0]);
    // per-block: the punched page stops being uptodate, SEEK_HOLE finds it; SEEK_DATA from it
    // answers the next page; the folio keeps a PMD bitmap (8 + 64 bytes) to the end.
    expect(work(perBlock)).toEqual([0, 0, 0, 0, 0, 72, 72]);
    // flag-reclaim: the reclaim after the unpin retries the split once.
    expect(work(flag)).toEqual([1, 0, 0, 0, 2 * 4096, 0, 0]);
    expect(flag).toMatchObject({ split: 1, split_failed: 1, final_resident: 511 });
    // The scan: 512 pages; 509 of 0xcd cost a byte each, the 3 zero pages 4,096 each; it frees
    // them, 2 of which the user wrote.
    expect(work(scan)).toEqual([0, 512, 509 + 3 * 4096, 2, 2 * 4096, 0, 0]);
    expect(scan).toMatchObject({ final_resident: 509 });
  });

  it('draws each policy\'s resident and no-data pages over the run with --svg, the same bytes every time', async () => {
    const script = t.file('p.fl', PINNED);
    const svg = `${t.dir}/c.svg`;
    const r = await cli('compare', script, '--db', t.file('s.db'), '--policies', 'linux-6.18,flag-reclaim', '--svg', svg);
    expect(r.code).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    for (const label of ['p.fl', 'resident pages', 'pages holding no data', 'linux-6.18', 'flag-reclaim', 'operation']) expect(text).toContain(label);
    // Two panels, a line per policy in each.
    expect(text.match(/class="mark-line role-mark/g)).toHaveLength(4);
    await cli('compare', script, '--db', t.file('s.db'), '--policies', 'linux-6.18,flag-reclaim', '--svg', `${t.dir}/d.svg`);
    expect(readFileSync(`${t.dir}/d.svg`, 'utf8')).toBe(text);
  });

  it.each([
    [['--policies', 'linux-6.18,nope'], /--policy: unknown policy nope/],
    [['--policies', 'per-block,per-block'], /--policies: a policy is named twice/],
    [[], /required option '--policies <specs>' not specified/],
  ])('refuses %j with exit 2 before running anything', async (args, msg) => {
    const db = t.file('s.db');
    const r = await cli('compare', t.file('p.fl', PINNED), '--db', db, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});

/** No-data pages by walking every resident page and asking whether any byte of it was written. */
function noDataByWalk(model: Shmem): number {
  let n = 0;
  for (const f of model.inodes) {
    f.cache.forEach((folio) => {
      for (let p = folio.index; p < folio.index + 2 ** folio.order; p++) {
        const [a, b] = [BigInt(p) * 4096n, BigInt(p + 1) * 4096n];
        if (f.content.firstWritten(a, b) === b) n++;
      }
    });
  }
  return n;
}

describe('the no-data metric', () => {
  it.each(['linux-6.18', 'per-block', 'flag-reclaim', 'zeropage-scan:every=3'])('equals a page-by-page walk after every command of random scripts under %s', (policy) => {
    for (const mix of ['pins', 'files', 'collapse'] as const) {
      for (let seed = 1; seed <= 8; seed++) {
        const seen: number[] = [];
        const walked: number[] = [];
        const sim: Simulation = new Simulation(parseScript(randomScript(mix, seed), 'r.fl'), {
          policy: parsePolicy(policy), keepObservations: false, metrics: true,
          recorder: { file: () => {}, event: () => {}, operation: (_o, _t, _f, _s, facts) => { seen.push(facts.noData!); walked.push(noDataByWalk(sim.model)); } },
        });
        while (sim.step());
        expect(sim.result().failure?.message).toBeUndefined();
        expect(seen, `${mix} ${seed}`).toEqual(walked);
      }
    }
  });
});
