import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/model/index.js';
import { parseScript, ScriptError } from '../../src/script/index.js';
import { simulate } from '../../src/sim/index.js';

function run(lines: readonly string[], policy = 'linux-6.18') {
  const r = simulate(parseScript(`${lines.join('\n')}\n`, 'mp.fl'), { policy: parsePolicy(policy) });
  expect(r.failure?.message).toBeUndefined();
  return r.observations;
}

/** 1 MiB punched out of a pinned PMD folio, the pin dropped, then 4 MiB more written under a 5 MiB limit. */
const PRESSED = ['mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 0 4k', 'fpunch 1m 1m', 'unpin', 'memory 5m', 'pwrite 2m 2m', 'pwrite 4m 2m'];

describe('memory LIMIT', () => {
  it('runs the EOF shrinker when resident memory passes the limit, as reclaim would', () => {
    const o = run(['mount tmpfs huge=always', 'memory 1m', 'pwrite 0 4k']);
    // The PMD folio reaches past EOF: 2 MiB resident > 1 MiB, so the shrinker splits it and frees 511 pages.
    expect(o[2]!.blocks).toBe(8n);
    expect(o[2]!.stats).toEqual({ '2048kB': { shmem_alloc: 1, split: 1 } });
    expect(run(['mount tmpfs huge=always', 'pwrite 0 4k'])[1]!.blocks).toBe(4096n);
  });

  it('then asks the policy: flag-reclaim and zeropage-scan free the punched megabyte 6.18 keeps', () => {
    expect(run(PRESSED)[8]!.blocks).toBe(12288n);
    for (const policy of ['flag-reclaim', 'zeropage-scan']) {
      const o = run(PRESSED, policy);
      expect(o[7]!.blocks, policy).toBe(8192n);
      expect(o[8]!.blocks, policy).toBe(10240n);
      expect(o[8]!.folios.slice(-2), policy).toEqual([[512, 9, 1], [1024, 9, 1]]);
    }
  });

  it('does nothing while resident memory stays within the limit, and memory 0 lifts it', () => {
    const o = run(['mount tmpfs huge=always', 'memory 2m', 'pwrite 0 4k', 'memory 0', 'pwrite 2m 4k']);
    expect(o[2]!.blocks).toBe(4096n);
    expect(o[4]!.blocks).toBe(8192n);
  });

  it('is a size like any other and needs exactly one', () => {
    expect(parseScript('memory 64m\n', 'm.fl').lines[0]!.command).toEqual({ cmd: 'memory', limit: 64n << 20n });
    expect(() => parseScript('memory\n', 'm.fl')).toThrow(ScriptError);
    expect(() => parseScript('memory 1m 2m\n', 'm.fl')).toThrow(/m\.fl:1: wrong number of arguments \(usage: memory LIMIT\)/);
  });
});
