/**
 * Issue 10's cross-checks: each workload generator's default script, run under the four
 * what-if policies with the lab's metrics, held against a page-level reference kept apart from
 * the model (`_pages.ts`):
 * - linux-6.18: the no-data pages are exactly the pages of punched ranges kept by failed splits,
 *   pages emptied by punches of part of a page, and pages never written since their folio came
 *   (in large folios: the unwritten parts a write, fault or fallocate left);
 * - per-block: every SEEK_DATA/SEEK_HOLE answers as a page-by-page uptodate state would (6.18
 *   does not, which shows the check can fail);
 * - flag-reclaim: once the pins are gone (`unpin`, then `reclaim`), no page a failed punch meant
 *   to free is left;
 * - zeropage-scan (a pass every 8 commands): no read returns other bytes than under 6.18, so the
 *   scanner never freed a page holding non-zero data; nor does any other policy change a read.
 */
import { describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../src/fuzz/index.js';
import { parsePolicy } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import { Simulation } from '../../src/sim/index.js';
import { PageReference } from './_pages.js';

const POLICIES = ['linux-6.18', 'per-block', 'flag-reclaim', 'zeropage-scan:every=8'] as const;

interface Outcome {
  readonly ref: PageReference;
  /** What each read returned, by command index. */
  readonly reads: Map<number, string>;
  /** Resident pages after each command. */
  readonly blocks: bigint[];
}

/** Run `text` under `policy` with metrics, the reference following it (SEEK checked when `seek`). */
function follow(text: string, policy: string, seek: boolean): Outcome {
  const script = parseScript(text, 'w.fl');
  const ref = new PageReference(script.lines, seek);
  const reads = new Map<number, string>();
  const blocks: bigint[] = [];
  const sim = new Simulation(script, {
    policy: parsePolicy(policy), metrics: true, keepObservations: false,
    recorder: {
      file: () => {},
      event: (row, extra) => ref.event(row, extra),
      operation: (o, task, file, seq, facts) => {
        if (o.data !== undefined && o.data !== null) reads.set(o.i, JSON.stringify(o.data));
        blocks.push(BigInt(o.blocks));
        ref.operation(o, task, file, seq, facts);
      },
    },
  });
  while (sim.step());
  expect(sim.result().failure?.message).toBeUndefined();
  return { ref, reads, blocks };
}

describe.each(['balloon', 'dbpool', 'sparse'])('the what-if lab on gen %s\'s default script', (name) => {
  const generated = WORKLOADS.find((w) => w.name === name)!.generate(1, {});
  // A read of the whole file every 150 commands (balloon's guest reads through its mapping,
  // which records no bytes); at the end the device lets go of its buffers, the host reclaims,
  // and the file is read whole once more.
  const readAll = `pread 0 ${generated.options['size']}`;
  const lines = generated.script.split('\n').filter((l) => l !== '');
  const body = lines.flatMap((l, k) => (k > 0 && k % 150 === 0 ? [readAll, l] : [l]));
  const text = `${body.join('\n')}\n${name === 'balloon' ? 'unpin\n' : ''}reclaim\n${readAll}\n`;
  const runs = new Map<string, Outcome>();
  const run = (policy: string): Outcome => {
    let o = runs.get(policy);
    if (o === undefined) runs.set(policy, o = follow(text, policy, policy === 'per-block'));
    return o;
  };

  it('linux-6.18: no-data pages = punched pages kept by failed splits + partly punched pages + pages never written', () => {
    const { ref } = run('linux-6.18');
    expect(ref.mismatches.slice(0, 5)).toEqual([]);
    console.log(`${name} linux-6.18 at the end: no-data pages ${JSON.stringify(ref.empty)}, ${ref.emptyInLarge} of them in large folios`);
    expect(ref.empty.fresh).toBeGreaterThan(0);
    if (name === 'balloon') expect(ref.empty.kept).toBeGreaterThan(0);
  });

  it('per-block: SEEK_DATA and SEEK_HOLE answer page by page, where 6.18 does not', () => {
    const { ref } = run('per-block');
    expect(ref.mismatches.slice(0, 5)).toEqual([]);
    if (name === 'dbpool') return; // no SEEK in a buffer pool
    expect(ref.seeks).toBeGreaterThan(100);
    const six = follow(text, 'linux-6.18', true).ref;
    console.log(`${name}: ${ref.seeks} SEEKs; 6.18 answers ${six.seekMismatches} of them otherwise than page by page`);
    expect(six.seekMismatches).toBeGreaterThan(0);
  });

  it('flag-reclaim: once unpinned and reclaimed, no page a failed punch meant to free is left, and never more is resident than under 6.18', () => {
    const { ref, blocks } = run('flag-reclaim');
    expect(ref.mismatches.slice(0, 5)).toEqual([]);
    expect(ref.empty.kept).toBe(0);
    const six = run('linux-6.18');
    blocks.forEach((b, k) => expect(b).toBeLessThanOrEqual(six.blocks[k]!));
  });

  it('zeropage-scan and every other policy: every read returns what it returns under 6.18', () => {
    const six = run('linux-6.18');
    expect(six.reads.size).toBeGreaterThan(0);
    for (const policy of POLICIES.slice(1)) {
      const { ref, reads } = run(policy);
      expect(ref.mismatches.slice(0, 5), policy).toEqual([]);
      expect([...reads.keys()]).toEqual([...six.reads.keys()]);
      for (const [i, data] of reads) expect(data, `${policy}, command ${i}`).toBe(six.reads.get(i));
    }
  });
});
