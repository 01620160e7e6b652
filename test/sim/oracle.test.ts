import { describe, expect, it, vi } from 'vitest';
import { Shmem } from '../../src/model/index.js';
import { Stats } from '../../src/model/stats.js';
import { ReplayScheduler, simulate, simulateText } from '../../src/sim/index.js';
import { parseScript } from '../../src/script/index.js';
import { LiveFolios } from '../../src/sim/live-folios.js';

describe('the oracle', () => {
  it('takes the whole range of an mwrite that overlapped a punch as unknown, also past a page the punch emptied behind it', () => {
    // Found by `fuzz` (seed 1311): B's faults stored 52 into pages 640..1023 while A punched page
    // 848 after B had passed it; the mwrite ended with page 848 absent, which does not mean it
    // stopped there (as a SIGBUS at the size= limit would).
    const script = parseScript([
      'mount tmpfs huge=advise', 'pwrite 0 4m', 'mmap',
      '[A] fpunch 3392k 4k', '[B] mwrite -S 52 2560k 1536k', '[A] pread 3456k 1', '',
    ].join('\n'), 'race.fl');
    const steps = [['B', 418], ['A', 3], ['B', 1], ['A', 3], ['B', 350], ['A', 1]] as const;
    const schedule = steps.flatMap(([t, n]) => Array<string>(n).fill(t));
    const r = simulate(script, { scheduler: new ReplayScheduler(schedule) });
    expect(r.failure).toBeUndefined();
    // The read saw B's byte: the mwrite reached past the punched page.
    expect(r.observations.find((o) => o.op === 'pread 3456k 1')!.data).toEqual([[0, 1, 52]]);
  });

  it('follows an mwrite stopped by SIGBUS at the size= limit, before EOF', () => {
    const obs = simulateText('mount tmpfs huge=never size=64k\ntruncate 1m\nmmap\nmwrite 0 1m\npread 0 128k\n');
    expect(obs[3]!.ret).toBe('SIGBUS');
    expect(obs[4]!.data).toEqual([[0, 65536, 88], [65536, 65536, 0]]);
  });

  it('follows an mwrite stopped by SIGBUS at EOF inside a large folio', () => {
    const obs = simulateText('mount tmpfs huge=always\npwrite 0 4k\nmmap 0 8k\nmwrite 0 8k\ntruncate 8k\npread 0 8k\n');
    expect(obs[3]!.ret).toBe('SIGBUS');
    expect(obs[5]!.data).toEqual([[0, 4096, 88], [4096, 4096, 0]]);
  });

  it('takes the bytes an mwrite stored past EOF into a still-mapped folio as unknown until read', () => {
    // The 0:9 folio is PMD-mapped: pages past EOF take no fault and keep the bytes (kernel.md §7).
    const obs = simulateText('mount tmpfs huge=always\ntruncate 10k\nmmap 0 4m\nmwrite -S 0x41\ntruncate 2m\npread 0 2m\n');
    expect(obs[3]!.ret).toBe('SIGBUS');
    expect(obs[5]!.data).toEqual([[0, 2097152, 0x41]]);
    // After the EOF shrinker dropped them, the same read returns zeros there: both pass the oracle.
    const dropped = simulateText('mount tmpfs huge=always\ntruncate 10k\nmmap 0 2m\nmwrite -S 0x41\nreclaim\ntruncate 2m\npread 0 2m\n');
    expect(dropped[6]!.data).toEqual([[0, 12288, 0x41], [12288, 2084864, 0]]);
  });

  it('fails a run whose reads return bytes nobody wrote', () => {
    const real = Shmem.prototype.pread;
    vi.spyOn(Shmem.prototype, 'pread').mockImplementation(function (this: Shmem, pos, len) {
      const r = real.call(this, pos, len);
      return { ...r, data: r.data.map(([o, l]) => [o, l, 1] as const) };
    });
    try {
      expect(() => simulateText('mount tmpfs\npwrite 0 4k\npread 0 4k\n')).toThrow(/script\.fl:3: check byte-model failed: read returned/);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('fails a run whose kept layout digest is not its folio list\'s', () => {
    vi.spyOn(Shmem.prototype, 'layoutDigest').mockReturnValue(1);
    try {
      expect(() => simulateText('mount tmpfs\npwrite 0 8k\n')).toThrow(/script\.fl:1: check layout-digest failed: the model's layout digest 1 is not 0/);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('fails a run whose event log does not describe the folios its page cache holds', () => {
    // The replay misses every folio_marked_uptodate: the page cache holds an uptodate folio.
    vi.spyOn(LiveFolios.prototype, 'markedUptodate').mockImplementation(() => undefined);
    try {
      expect(() => simulateText('mount tmpfs\npwrite 0 4k\n')).toThrow(/script\.fl:2: check event-log failed: the event log describes folios \[\[0,0,0\]\], the page cache holds \[\[0,0,1\]\]/);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('fails a run whose counters disagree with the folios born', () => {
    vi.spyOn(Stats.prototype, 'count').mockImplementation(() => undefined);
    try {
      expect(() => simulateText('mount tmpfs huge=always\npwrite 0 4k\n')).toThrow(/shmem_alloc is 0 but 1 folios were allocated/);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
