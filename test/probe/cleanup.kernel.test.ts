import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
