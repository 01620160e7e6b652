import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { helperPath } from '../../src/probe/_paths.js';
import { checkKernelPreconditions, ProbeError } from '../../src/probe/index.js';
import { alive, eventually, kernelSkipReason, leftovers, readKnobs, run } from './_kernel.js';

// Changes every kind of knob and mounts two tmpfs, so that anything left behind shows.
const SCRIPT = `
  thp shmem_enabled=within_size hugepages-64kB=always hugepages-2048kB=never
  thp khugepaged.max_ptes_none=100 khugepaged.defrag=0 khugepaged.pages_to_scan=100
  mount tmpfs huge=always
  pwrite 0 4k
  mmap
  pin 0 4k
  mount tmpfs huge=within_size size=1m
  pwrite 0 64k
  khugepaged
  mount memfd
  pwrite 0 64k
  mount sysv 2m
  mread 0 4k
  mount anon 2m
  mread 0 4k`;

/** The lock file probe.c's take_lock() serialises helpers on. */
const PROBE_LOCK = (() => {
  try {
    accessSync('/run/lock', constants.W_OK);
    return '/run/lock/foliolog-probe.lock';
  } catch {
    return '/tmp/foliolog-probe.lock';
  }
})();

describe.skipIf(kernelSkipReason !== undefined)('probe cleanup', () => {
  let knobs: Record<string, string> = {};
  let before: ReturnType<typeof leftovers> = { tmpfs: [], folders: [] };
  beforeEach(() => {
    knobs = readKnobs();
    before = leftovers();
  });

  it('passes its preconditions on this machine', () => {
    const pre = checkKernelPreconditions();
    expect(pre).toMatchObject({ ok: true, release: expect.stringMatching(/^6\.\d+/) });
  });

  it('restores every knob and leaves no mount or folder after a complete run', async () => {
    let during: ReturnType<typeof leftovers> | undefined;
    let changed = '';
    const r = await run(SCRIPT, {
      onObservation: (o) => {
        if (o.i !== 3) return;
        during = leftovers();
        changed = readKnobs()['shmem_enabled'] ?? '';
      },
    });
    expect(r.observations).toHaveLength(15);
    expect(changed).toContain('[within_size]');
    // Mounts live in the helper's private mount namespace, under one temp folder.
    expect(during?.tmpfs).toEqual(before.tmpfs);
    expect(during?.folders).toHaveLength(before.folders.length + 1);
    expect(readKnobs()).toEqual(knobs);
    expect(leftovers()).toEqual(before);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('restores everything when the helper gets %s mid-script', async (sig) => {
    let pid = 0;
    const err = await run(SCRIPT, {
      onSpawn: (p) => (pid = p),
      onObservation: (o) => {
        // Line 9 is `khugepaged`: the signal lands while khugepaged runs with its sleeps lowered.
        if (o.i === 7) setTimeout(() => process.kill(pid, sig), 30);
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect(err).toMatchObject({ code: 'E_HELPER', message: expect.stringContaining(sig) });
    // SIGTERM: the helper restored before exiting; SIGKILL: its watchdog does, on pipe EOF.
    expect(await eventually(() => JSON.stringify(readKnobs()) === JSON.stringify(knobs))).toBe(true);
    expect(await eventually(() => JSON.stringify(leftovers()) === JSON.stringify(before))).toBe(true);
    expect(readKnobs()).toEqual(knobs);
  });

  it('ends the command in flight, quits and restores everything when stop is aborted mid-script', async () => {
    const stop = new AbortController();
    const r = await run(SCRIPT, { stop: stop.signal, onObservation: (o) => { if (o.i === 3) stop.abort(); } });
    expect(r.interrupted).toBe(true);
    expect(r.observations.map((o) => o.i)).toEqual([0, 1, 2, 3]);
    // The helper quit (restoring, unmounting) before runOnKernel returned.
    expect(readKnobs()).toEqual(knobs);
    expect(leftovers()).toEqual(before);
  });

  it('kills the helper and restores everything when stop is aborted as it starts', async () => {
    const stop = new AbortController();
    let pid = 0;
    const r = await run(SCRIPT, { stop: stop.signal, onSpawn: (p) => { pid = p; stop.abort(); } });
    expect(r).toMatchObject({ interrupted: true, observations: [] });
    expect(alive(pid)).toBe(false);
    expect(readKnobs()).toEqual(knobs);
    expect(leftovers()).toEqual(before);
  });

  it('stops waiting for another probe\'s lock when stop is aborted, and changes nothing', async () => {
    // Hold the probe's lock as another probe would, so the helper is surely still starting.
    // Its own process group: the lock goes only when flock and its shell both die.
    const holder = spawn('flock', [PROBE_LOCK, '-c', 'echo held; exec sleep 60'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', () => resolve());
        holder.on('exit', () => reject(new Error('flock exited early')));
      });
      const stop = new AbortController();
      let pid = 0;
      const r = await run(SCRIPT, { stop: stop.signal, onSpawn: (p) => { pid = p; setTimeout(() => stop.abort(), 200); } });
      expect(r).toMatchObject({ interrupted: true, observations: [] });
      expect(alive(pid)).toBe(false);
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
    expect(readKnobs()).toEqual(knobs);
    expect(leftovers()).toEqual(before);
  });

  it('restores everything when the Node driver itself is killed', async () => {
    expect(existsSync(helperPath())).toBe(true);
    const driver = spawn(process.execPath, [fileURLToPath(new URL('./_dying-driver.mjs', import.meta.url)), helperPath()], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const helperPid = await new Promise<number>((resolve, reject) => {
      driver.stdout.on('data', (b: Buffer) => {
        const m = /running (\d+)/.exec(b.toString());
        if (m !== null) resolve(Number(m[1]));
      });
      driver.on('exit', () => reject(new Error('driver exited early')));
    });
    expect(readKnobs()['shmem_enabled']).toContain('[within_size]');
    expect(readKnobs()['khugepaged/max_ptes_none']).toBe('7');
    driver.kill('SIGKILL');
    expect(await eventually(() => !alive(helperPid))).toBe(true);
    expect(await eventually(() => JSON.stringify(readKnobs()) === JSON.stringify(knobs))).toBe(true);
    expect(await eventually(() => JSON.stringify(leftovers()) === JSON.stringify(before))).toBe(true);
  });
});
