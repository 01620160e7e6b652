import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { helperPath, probeSourcePath } from '../../src/probe/_paths.js';
import { buildProbe, checkKernelPreconditions, runOnKernel, type KernelRun } from '../../src/probe/index.js';
import { parseScript } from '../../src/script/index.js';

const THP = '/sys/kernel/mm/transparent_hugepage';

/** The switch that lets tests change this machine's THP knobs and mount tmpfs. */
export const KERNEL_TESTS_ENV = 'FOLIOLOG_KERNEL_TESTS';

/**
 * Why the kernel tests cannot run here, or undefined when they can. They are opt-in: they
 * write the machine-wide THP knobs and mount tmpfs (restoring both when they end), so they run
 * only with FOLIOLOG_KERNEL_TESTS=1. Builds the helper first when it is missing or older than
 * probe.c (and a compiler exists). Printed once.
 */
export const kernelSkipReason: string | undefined = (() => {
  if (process.env[KERNEL_TESTS_ENV] !== '1') {
    return `${KERNEL_TESTS_ENV}=1 is not set (these tests change THP knobs and mount tmpfs, then restore them)`;
  }
  if (process.getuid?.() !== 0) return 'not root';
  const bin = helperPath();
  if (!existsSync(bin) || statSync(probeSourcePath()).mtimeMs > statSync(bin).mtimeMs) {
    const b = buildProbe();
    if (!b.ok) return b.reason;
  }
  const pre = checkKernelPreconditions();
  return pre.ok ? undefined : pre.reason;
})();
if (kernelSkipReason !== undefined) console.log(`kernel tests skipped: ${kernelSkipReason}`);

/** Parses and runs a script on the kernel. */
export function run(text: string, opts: Parameters<typeof runOnKernel>[1] = {}): Promise<KernelRun> {
  return runOnKernel(parseScript(text, 'test.fl'), opts);
}

/** Every THP knob the probe may touch, `path → content` (counters such as full_scans excluded). */
export function readKnobs(): Record<string, string> {
  const files = ['shmem_enabled', 'enabled', 'defrag'];
  for (const d of readdirSync(THP)) if (d.startsWith('hugepages-')) files.push(`${d}/shmem_enabled`);
  for (const k of readdirSync(join(THP, 'khugepaged'))) {
    if (k !== 'full_scans' && k !== 'pages_collapsed') files.push(`khugepaged/${k}`);
  }
  return Object.fromEntries(files.sort().map((f) => [f, readFileSync(join(THP, f), 'utf8').trim()]));
}

/** The machine's mounts of type tmpfs, and the probe's temp folders under /tmp. */
export function leftovers(): { tmpfs: string[]; folders: string[] } {
  const tmpfs = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[2] === 'tmpfs');
  const folders = readdirSync('/tmp').filter((d) => d.startsWith('foliolog-probe-') || d.startsWith('foliolog-check-'));
  return { tmpfs, folders };
}

/** Polls `cond` every 20 ms for up to `ms`; true once it holds. */
export async function eventually(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** True while a process with this pid exists (zombies count as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
