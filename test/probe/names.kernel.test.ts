/**
 * A file name reaches a path only through `open`: the parser refuses anything but one path
 * component, the driver refuses to send one, and the helper itself refuses a request naming
 * one before any syscall sees it — so even a hand-written request cannot leave the mount.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HelperProcess } from '../../src/probe/_helper.js';
import { helperPath } from '../../src/probe/_paths.js';
import { eventually, kernelSkipReason, leftovers, readKnobs } from './_kernel.js';

const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

describe.skipIf(kernelSkipReason !== undefined)('the probe helper and file names', () => {
  let helper: HelperProcess | undefined;
  afterEach(async () => {
    await helper?.kill();
    helper = undefined;
  });

  it.each(['../../foliolog-escape', '..', '.', 'a/b', 'caf\u00e9'])('refuses open %j as a bad request, creating nothing', async (name) => {
    const knobs = readKnobs();
    const before = leftovers();
    const escape = `/tmp/foliolog-escape`;
    const started = await HelperProcess.start(helperPath());
    helper = started.helper;
    expect(await helper.request('mount tmpfs =never -', 30_000, 'mount')).toMatch(/^ok ret=0 /);
    const err = await helper.request(`open ${hex(name)}`, 30_000, 'open').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_HELPER', message: expect.stringContaining('bad request: open NAME') });
    await helper.kill();
    expect(existsSync(escape)).toBe(false);
    // A helper that dies on a bad request leaves the restoring to its watchdog, a moment later.
    expect(await eventually(() => JSON.stringify(readKnobs()) === JSON.stringify(knobs))).toBe(true);
    expect(await eventually(() => JSON.stringify(leftovers()) === JSON.stringify(before))).toBe(true);
  });

  it('opens a name of letters, digits, ".", "_" and "-"', async () => {
    helper = (await HelperProcess.start(helperPath())).helper;
    expect(await helper.request('mount tmpfs =never -', 30_000, 'mount')).toMatch(/^ok ret=0 /);
    expect(await helper.request(`open ${hex('A-z_0.9')}`, 30_000, 'open')).toMatch(/^ok ret=0 /);
    await helper.quit(30_000);
  });
});
