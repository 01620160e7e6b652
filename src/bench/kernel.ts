import { join } from 'node:path';
import { recordKernelRun } from '../cli/index.js';
import { checkKernelPreconditions } from '../probe/index.js';
import { type MixOptions, mixText } from '../sim/index.js';
import { inChild } from './spawn.js';

/** `foliolog kernel` on the script, or why it could not run here. */
export interface KernelBench {
  readonly opsPerS: number | null;
  readonly rssMb: number | null;
  /** Why the kernel was not measured (null when it was). */
  readonly reason: string | null;
  readonly ops: number | null;
}

/** 4 KiB writes at random pages of a 32 MiB file, and `seek -h`: the recording the issue timed. */
export const KERNEL_MIX: MixOptions = {
  seed: 1, files: 1, fileBytes: 32 << 20, maxPages: 1, huge: 'within_size', pwrite: 0.8, fpunch: 0,
};
export const KERNEL_COMMANDS = 40_001;

/**
 * Record the script on the live kernel as `foliolog kernel` does, in a child process, and
 * report commands per second and that process's peak RSS. Null with the reason where the
 * kernel cannot be used (not root, not Linux ≥ 6.18, no compiler for the probe).
 */
export async function kernelBench(dir: string, self: string): Promise<KernelBench> {
  const pre = checkKernelPreconditions();
  if (!pre.ok) return { opsPerS: null, rssMb: null, reason: pre.reason, ops: null };
  const r = inChild(self, { kind: 'kernel', db: join(dir, 'kernel.db') });
  return { opsPerS: r.ops! / (r.ms! / 1000), rssMb: r.maxRss / 2 ** 20, reason: null, ops: r.ops! };
}

/**
 * In the child: record the script on the kernel in this process (`recordKernelRun`, what
 * `foliolog kernel` runs, without printing), its text made here.
 */
export async function recordKernel(db: string): Promise<Record<string, number>> {
  const text = mixText(KERNEL_MIX, KERNEL_COMMANDS);
  const t = performance.now();
  const r = await recordKernelRun(text, db, { scriptName: 'kernel-mix.fl' });
  const ms = performance.now() - t;
  if (r.status !== 'complete') throw new Error(`the kernel run stopped ${r.status}`);
  return { ms, ops: r.ops };
}
