import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BALLOON_OPTIONS, WORKLOADS, balloonScript, defaultOptions } from '../../src/fuzz/index.js';
import { cli, jsonLines, tempDir } from './_cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => { t = tempDir(); });
afterEach(() => t.cleanup());

describe('foliolog gen', () => {
  it('prints the generator\'s script for seed 1 and the default options, the same bytes every time', async () => {
    const r = await cli('gen', 'balloon');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(balloonScript(1, defaultOptions(BALLOON_OPTIONS)));
    expect((await cli('gen', 'balloon')).stdout).toBe(r.stdout);
    expect((await cli('gen', 'balloon', '--seed', '2')).stdout).not.toBe(r.stdout);
  });

  it('honours the options and names them all in the first line', async () => {
    const r = await cli('gen', 'dbpool', '--seed', '4', '--ops', '100', '--size', '32m', '--huge', 'always', '--page', '16k', '--presize', 'truncate');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '# foliolog gen dbpool --seed 4 --ops 100 --size 32m --huge always --presize truncate --page 16k --memory 0',
      'mount tmpfs huge=always', 'truncate 32m',
    ]);
    expect(lines).toHaveLength(101);
    expect(lines.filter((l) => l.startsWith('pwrite ') || l.startsWith('pread ')).every((l) => / 16k$/.test(l) || / -b 16k /.test(l))).toBe(true);
  });

  it('puts balloon under memory pressure by default: memory 160m after the setup, named --memory 160m in the header', async () => {
    const lines = (await cli('gen', 'balloon')).stdout.split('\n');
    expect(lines[0]).toMatch(/^# foliolog gen balloon --seed 1 .* --memory 160m --snapshots 4$/);
    expect(lines.slice(1, 6)).toEqual(['thp hugepages-64kB=always hugepages-2048kB=always', 'mount memfd', 'truncate 256m', 'mmap', 'memory 160m']);
    const big = (await cli('gen', 'balloon', '--size', '512m')).stdout.split('\n');
    expect(big[0]).toMatch(/ --size 512m .* --memory 320m /);
    expect(big.filter((l) => l.startsWith('memory '))).toEqual(['memory 320m']);
    const none = await cli('gen', 'balloon', '--memory', '0');
    expect(none.stdout.split('\n')[0]).toMatch(/ --memory 0 /);
    expect(none.stdout.split('\n').some((l) => l.startsWith('memory'))).toBe(false);
    expect(none.stdout.trimEnd().split('\n')).toHaveLength(1501);
  });

  it.each(['dbpool', 'sparse'])('%s: no memory line by default; --memory 64m adds one after the setup, still --ops commands', async (name) => {
    const plain = (await cli('gen', name)).stdout.split('\n');
    expect(plain[0]).toMatch(/ --memory 0$/);
    expect(plain.some((l) => l.startsWith('memory'))).toBe(false);
    const pressed = (await cli('gen', name, '--memory', '64m', '--ops', '200')).stdout.trimEnd().split('\n');
    expect(pressed[0]).toMatch(/ --memory 64m$/);
    expect(pressed.filter((l) => l.startsWith('memory '))).toEqual(['memory 64m']);
    const at = pressed.indexOf('memory 64m');
    expect(pressed.slice(1, at).every((l) => /^(mount|truncate|falloc|open) /.test(l))).toBe(true);
    expect(pressed).toHaveLength(201);
  });

  it('balloon walks a memfd with seek -d/-h in --snapshots passes (4 by default), an anonymous region never', async () => {
    const seekRuns = (text: string): number => text.split('\n').filter((l, k, ls) => l.startsWith('seek ') && !ls[k - 1]!.startsWith('seek ')).length;
    expect(seekRuns((await cli('gen', 'balloon')).stdout)).toBe(4);
    expect(seekRuns((await cli('gen', 'balloon', '--snapshots', '2')).stdout)).toBe(2);
    expect(seekRuns((await cli('gen', 'balloon', '--snapshots', '0')).stdout)).toBe(0);
    const anon = (await cli('gen', 'balloon', '--backing', 'anon')).stdout;
    expect(anon.split('\n')[0]).toMatch(/ --snapshots 0$/);
    expect(seekRuns(anon)).toBe(0);
  });

  it('prints one JSON object with --json: generator, seed, options, lines, script', async () => {
    const r = await cli('gen', 'sparse', '--ops', '50', '--files', '3', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\n') && r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['generator', 'seed', 'options', 'lines', 'script']);
    expect(j).toMatchObject({ generator: 'sparse', seed: 1, options: { ops: 50, size: 128 << 20, files: 3, huge: 'within_size' }, lines: 50 });
    expect(j.script).toBe((await cli('gen', 'sparse', '--ops', '50', '--files', '3')).stdout);
    const b = JSON.parse((await cli('gen', 'balloon', '--size', '512m', '--json')).stdout) as { options: Record<string, unknown> };
    expect(b.options).toMatchObject({ size: 512 << 20, memory: 320 << 20, snapshots: 4 });
  });

  it('lists the generators in --help, one line each, and each generator\'s options in its own', async () => {
    const r = await cli('gen', '--help');
    expect(r.code).toBe(0);
    for (const w of WORKLOADS) expect(r.stdout).toContain(`  ${`${w.name} [options]`.padEnd(17)}  ${w.summary}\n`);
    const b = await cli('gen', 'balloon', '--help');
    expect(b.stdout).toMatch(/--backing <memfd\|anon>/);
    expect(b.stdout).toMatch(/--sizes <LIST>/);
    const flat = (text: string): string => text.replace(/\s+/g, ' ');
    expect(flat(b.stdout)).toMatch(/--memory <SIZE> .*\(default: 5\/8 of --size, rounded down to 4k\)/);
    expect(flat(b.stdout)).toMatch(/--snapshots <N> .*\(default: 4 with --backing memfd, 0 with anon\)/);
    expect(flat((await cli('gen', 'dbpool', '--help')).stdout)).toMatch(/--memory <SIZE> .*\(default: "0"\)/);
    expect((await cli('--help')).stdout).toMatch(/gen +print a seeded workload script/);
  });

  it.each([
    [['gen', 'nope'], 'foliolog: gen: unknown generator nope (balloon, dbpool, sparse)'],
    [['gen'], 'foliolog: gen: name a generator first (balloon, dbpool, sparse)'],
    [['gen', '--seed', '3'], 'foliolog: gen: name a generator first (balloon, dbpool, sparse): --seed'],
    [['gen', 'balloon', '--seed', 'x'], 'foliolog: gen balloon: --seed: not an integer in 0..4294967295: x'],
    [['gen', 'balloon', '--seed', '4294967296'], 'foliolog: gen balloon: --seed: not an integer in 0..4294967295: 4294967296'],
    [['gen', 'balloon', '--ops', '5'], 'foliolog: gen balloon: --ops: not an integer in 10..100000: 5'],
    [['gen', 'balloon', '--size', '3m'], 'foliolog: gen balloon: --size: not a multiple of 2m in 8m..64g: 3m'],
    [['gen', 'balloon', '--backing', 'sysv'], 'foliolog: gen balloon: --backing: not one of memfd, anon: sysv'],
    [['gen', 'balloon', '--sizes', '4kB'], /^foliolog: gen balloon: --sizes: not one of 8kB, .*: 4kB$/],
    [['gen', 'balloon', '--memory', '3k'], 'foliolog: gen balloon: --memory: not a multiple of 4k in 0..64g: 3k'],
    [['gen', 'balloon', '--memory', '128g'], 'foliolog: gen balloon: --memory: not a multiple of 4k in 0..64g: 128g'],
    [['gen', 'dbpool', '--memory', '99999999999999999999'], /^foliolog: gen dbpool: --memory: not a size: number out of range '99999999999999999999'/],
    [['gen', 'sparse', '--memory', 'lots'], /^foliolog: gen sparse: --memory: not a size: malformed number 'lots'/],
    [['gen', 'balloon', '--backing', 'anon', '--snapshots', '2'],
      'foliolog: gen balloon: --snapshots: an anonymous region has no file descriptor to seek (use --backing memfd): 2'],
    [['gen', 'balloon', '--snapshots', '33'], 'foliolog: gen balloon: --snapshots: not an integer in 0..32: 33'],
    [['gen', 'dbpool', '--huge', 'force'], 'foliolog: gen dbpool: --huge: not one of always, within_size, advise, never: force'],
    [['gen', 'sparse', '--files', '9'], 'foliolog: gen sparse: --files: not an integer in 1..8: 9'],
    [['gen', 'sparse', '--backing', 'anon'], "error: unknown option '--backing'"],
    [['gen', 'sparse', '--size'], "error: option '--size <SIZE>' argument missing"],
  ])('refuses %j with one line and exit 2', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    if (typeof message === 'string') expect(r.stderr.trimEnd()).toBe(message);
    else expect(r.stderr.trimEnd()).toMatch(message);
  });
});

/** Per-size counters summed over a `run --json`'s objects, and the largest order any left. */
function measured(stdout: string): { stats: Record<string, number>; maxOrder: number; errnos: string[] } {
  const stats: Record<string, number> = {};
  let maxOrder = 0;
  const errnos = new Set<string>();
  for (const o of jsonLines(stdout)) {
    for (const [size, counters] of Object.entries(o.stats as Record<string, Record<string, number>>)) {
      for (const [name, n] of Object.entries(counters)) stats[`${size}.${name}`] = (stats[`${size}.${name}`] ?? 0) + n;
    }
    for (const [, order] of o.folios as Array<[number, number, number]>) maxOrder = Math.max(maxOrder, order);
    if (typeof o.ret === 'string') errnos.add(o.ret);
  }
  return { stats, maxOrder, errnos: [...errnos] };
}

describe('foliolog gen, then foliolog run of the default script', () => {
  it.each(WORKLOADS.map((w) => [w.name]))('%s: runs complete with the oracle on, with large folios that punches split', async (name) => {
    const script = t.file(`${name}.fl`, (await cli('gen', name)).stdout);
    const r = await cli('run', script, '--json', '--db', t.file('s.db'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/complete, 1500 ops/);
    const m = measured(r.stdout);
    expect(m.maxOrder).toBe(9);
    expect(m.stats['2048kB.shmem_alloc']).toBeGreaterThan(50);
    expect(m.stats['2048kB.split']).toBeGreaterThan(10);
    expect(m.errnos.filter((e) => e !== 'ENXIO')).toEqual([]);
    // The balloon's device pins make some punches meet large folios that cannot split.
    if (name === 'balloon') expect(m.stats['2048kB.split_failed']).toBeGreaterThan(5);
  });
});
