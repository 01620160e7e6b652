/**
 * Controls: `thp` knob writes and their validation (kernel.md §1.1), `mount`/`remount` huge=
 * validation, and what a refused value leaves behind (product.md §1).
 */
import { describe, expect, it } from 'vitest';
import { folios, last, nth, run } from './_helpers.js';

describe('thp shmem_enabled: force validation (kernel.md §1.1, shmem_parse_huge)', () => {
  it('accepts force with the default per-size inherit set {2048kB}', () => {
    const o = last(['thp shmem_enabled=force']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual([]);
    expect(o.size).toBe(0n);
    expect(o.blocks).toBe(0n);
    expect(o.stats).toEqual({});
  });

  it('refuses force with EINVAL while hugepages-64kB is inherit', () => {
    expect(last(['thp hugepages-64kB=inherit', 'thp shmem_enabled=force']).ret).toBe('EINVAL');
  });

  it('leaves the global knob at its old value when force is refused', () => {
    const o = last([
      'mount tmpfs huge=never',
      'thp hugepages-64kB=inherit',
      'thp shmem_enabled=force',
      'pwrite 0 4k',
    ]);
    expect(o.folios).toEqual([[0, 0, 1]]);
  });

  it('accepts force again once hugepages-64kB is back to never', () => {
    const o = last(['thp hugepages-64kB=inherit', 'thp hugepages-64kB=never', 'thp shmem_enabled=force']);
    expect(o.ret).toBe(0n);
  });

  it('refuses force with EINVAL when no size is inherit (the set must be exactly {2048kB})', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) beyond its wording "exactly {9}": only the 64kB=inherit case is observed.
    expect(last(['thp hugepages-2048kB=never', 'thp shmem_enabled=force']).ret).toBe('EINVAL');
  });

  it('refuses hugepages-64kB=inherit with EINVAL while global is force', () => {
    expect(last(['thp shmem_enabled=force', 'thp hugepages-64kB=inherit']).ret).toBe('EINVAL');
  });

  it('accepts hugepages-64kB=always while global is force', () => {
    expect(last(['thp shmem_enabled=force', 'thp hugepages-64kB=always']).ret).toBe(0n);
  });

  it('accepts hugepages-2048kB=inherit while global is force (only non-PMD sizes are refused)', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): it only says a non-PMD size set to inherit is refused under force.
    expect(last(['thp shmem_enabled=force', 'thp hugepages-2048kB=inherit']).ret).toBe(0n);
  });

  it('accepts hugepages-64kB=inherit again after global leaves force', () => {
    expect(
      last(['thp shmem_enabled=force', 'thp shmem_enabled=never', 'thp hugepages-64kB=inherit']).ret,
    ).toBe(0n);
  });
});

describe('thp: value words', () => {
  it.each(['always', 'within_size', 'advise', 'never', 'deny', 'force'])(
    'accepts shmem_enabled=%s from the defaults',
    (value) => {
      expect(last([`thp shmem_enabled=${value}`]).ret).toBe(0n);
    },
  );

  it.each(['always', 'inherit', 'within_size', 'advise', 'never'])(
    'accepts hugepages-64kB=%s',
    (value) => {
      expect(last([`thp hugepages-64kB=${value}`]).ret).toBe(0n);
    },
  );

  it.each([
    ['8kB', 'deny'],
    ['8kB', 'force'],
    ['64kB', 'deny'],
    ['64kB', 'force'],
    ['2048kB', 'deny'],
    ['2048kB', 'force'],
  ])('refuses hugepages-%s=%s with EINVAL', (size, value) => {
    expect(last([`thp hugepages-${size}=${value}`]).ret).toBe('EINVAL');
  });

  it.each([
    'thp shmem_enabled=bogus',
    'thp shmem_enabled=Always',
    'thp hugepages-64kB=bogus',
    'thp hugepages-2048kB=yes',
  ])('answers EINVAL to an unknown value word: %s', (line) => {
    // kernel.md silent; measured on 6.18.44 (agrees) on letter case: `Always` is read as unknown (sysfs compares exactly).
    expect(last([line]).ret).toBe('EINVAL');
  });
});

describe('thp khugepaged knobs: ranges (kernel.md §1.1)', () => {
  it.each([
    ['defrag', '0', 0],
    ['defrag', '1', 0],
    ['defrag', '2', 'EINVAL'],
    ['max_ptes_none', '0', 0],
    ['max_ptes_none', '511', 0],
    ['max_ptes_none', '512', 'EINVAL'],
    ['max_ptes_swap', '0', 0],
    ['max_ptes_swap', '511', 0],
    ['max_ptes_swap', '512', 'EINVAL'],
    ['max_ptes_shared', '0', 0],
    ['max_ptes_shared', '511', 0],
    ['max_ptes_shared', '512', 'EINVAL'],
    ['pages_to_scan', '0', 'EINVAL'],
    ['pages_to_scan', '1', 0],
    ['pages_to_scan', '4096', 0],
    ['scan_sleep_millisecs', '200', 0],
    ['alloc_sleep_millisecs', '60000', 0],
  ] as const)('answers khugepaged.%s=%s with %s', (knob, value, ret) => {
    expect(last([`thp khugepaged.${knob}=${value}`]).ret).toBe(ret === 'EINVAL' ? ret : 0n);
  });

  it('answers EINVAL to a khugepaged value that is not a number', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): a non-numeric value for a numeric knob. Read as the sysfs store's
    // kstrtoul failure (EINVAL), a kernel refusal rather than a script error.
    expect(last(['thp khugepaged.max_ptes_none=lots']).ret).toBe('EINVAL');
  });
});

describe('thp: several pairs on one line (product.md §1)', () => {
  it('writes pairs left to right and stops at the first refused one, keeping earlier pairs', () => {
    const ops = [
      'mount tmpfs huge=never',
      'thp shmem_enabled=force hugepages-64kB=bogus shmem_enabled=never',
      'pwrite 0 4k',
    ];
    expect(nth(ops, 1).ret).toBe('EINVAL');
    // force stayed written; the trailing shmem_enabled=never was never reached.
    expect(last(ops).folios).toEqual([[0, 9, 1]]);
  });

  it('keeps deny written before a refused per-size force', () => {
    const ops = ['mount tmpfs huge=always', 'thp shmem_enabled=deny hugepages-64kB=force', 'pwrite 0 64k'];
    expect(nth(ops, 1).ret).toBe('EINVAL');
    expect(last(ops).folios).toEqual(folios('0-15:0'));
  });

  it('refuses force after 64kB=inherit on the same line, leaving global never', () => {
    const ops = ['mount tmpfs huge=never', 'thp hugepages-64kB=inherit shmem_enabled=force', 'pwrite 0 4k'];
    expect(nth(ops, 1).ret).toBe('EINVAL');
    expect(last(ops).folios).toEqual([[0, 0, 1]]);
  });

  it('refuses 64kB=inherit after force on the same line, leaving global force', () => {
    const ops = ['mount tmpfs huge=never', 'thp shmem_enabled=force hugepages-64kB=inherit', 'pwrite 0 4k'];
    expect(nth(ops, 1).ret).toBe('EINVAL');
    expect(last(ops).folios).toEqual([[0, 9, 1]]);
  });

  it('does not write a later shmem_enabled after a refused khugepaged value', () => {
    const ops = [
      'thp khugepaged.max_ptes_none=0 khugepaged.pages_to_scan=0 shmem_enabled=always',
      'mount memfd',
      'pwrite 0 4k',
    ];
    expect(nth(ops, 0).ret).toBe('EINVAL');
    expect(last(ops).folios).toEqual([[0, 0, 1]]);
  });

  it('returns 0 when every pair is accepted', () => {
    const ops = [
      'thp shmem_enabled=always hugepages-64kB=always khugepaged.max_ptes_none=0',
      'mount memfd',
      'pwrite 0 4k',
    ];
    expect(nth(ops, 0).ret).toBe(0n);
    expect(last(ops).folios).toEqual([[0, 9, 1]]);
  });
});

describe('mount and remount: huge= validation', () => {
  it.each(['force', 'deny', 'bogus'])('refuses mount tmpfs huge=%s with EINVAL', (value) => {
    const o = last([`mount tmpfs huge=${value}`]);
    expect(o.ret).toBe('EINVAL');
    expect(o.folios).toEqual([]);
    expect(o.size).toBe(0n);
    expect(o.blocks).toBe(0n);
  });

  it.each(['pwrite 0 4k', 'pread 0 4k', 'truncate 4k', 'seek -d 0', 'seek -h 0', 'unlink'])(
    'answers EBADF to %s after a refused mount',
    (line) => {
      const o = last(['mount tmpfs huge=force', line]);
      expect(o.ret).toBe('EBADF');
      // kernel.md silent; measured on 6.18.44 (agrees) (product.md: no current file): the observation shows an empty file.
      expect(o.folios).toEqual([]);
      expect(o.size).toBe(0n);
      expect(o.blocks).toBe(0n);
    },
  );

  it('answers EBADF to a write after a refused mount even when an earlier mount succeeded', () => {
    const o = last(['mount tmpfs', 'pwrite 0 4k', 'mount tmpfs huge=force', 'pwrite 0 4k']);
    expect(o.ret).toBe('EBADF');
  });

  it('works again after a refused mount is followed by a good one', () => {
    const o = last(['mount tmpfs huge=force', 'mount tmpfs huge=always', 'pwrite 0 4k']);
    expect(o.ret).toBe(4096n);
    expect(o.folios).toEqual([[0, 9, 1]]);
  });

  it('answers EBADF to a file command before any mount', () => {
    // kernel.md silent; measured on 6.18.44 (agrees): product.md only says the observation before the first mount is empty;
    // with no file open the call is read as EBADF, like after a refused mount.
    const o = last(['pwrite 0 4k']);
    expect(o.ret).toBe('EBADF');
    expect(o.folios).toEqual([]);
  });

  it.each(['force', 'deny', 'bogus'])(
    'refuses remount huge=%s with EINVAL and keeps the old huge= setting',
    (value) => {
      // kernel.md silent; measured on 6.18.44 (agrees) on remount specifically: §1.1 says tmpfs rejects deny/force; a
      // refused remount is read as changing nothing.
      const ops = ['mount tmpfs huge=always', `remount huge=${value}`, 'pwrite 0 4k'];
      expect(nth(ops, 1).ret).toBe('EINVAL');
      expect(last(ops).folios).toEqual([[0, 9, 1]]);
    },
  );

  it.each(['never', 'always', 'within_size', 'advise'])('accepts mount tmpfs huge=%s', (value) => {
    const o = last([`mount tmpfs huge=${value}`]);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual([]);
    expect(o.size).toBe(0n);
    expect(o.stats).toEqual({});
  });

  it('leaves existing folios alone when a knob changes', () => {
    const obs = run(['mount tmpfs huge=always', 'pwrite 0 4k', 'thp shmem_enabled=deny']);
    expect(obs[2]?.folios).toEqual([[0, 9, 1]]);
    expect(obs[2]?.blocks).toBe(4096n);
    expect(obs[2]?.stats).toEqual({});
  });
});
