import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { release as osRelease } from 'node:os';
import { join } from 'node:path';
import { helperPath, packageRoot, probeSourcePath } from './_paths.js';
import { hasCompiler } from './build.js';

const THP = '/sys/kernel/mm/transparent_hugepage';

/** The kernel release every rule of kernel.md was measured on (major, minor). */
export const ORACLE_RELEASE = [6, 18] as const;

/** Whether this machine can run scripts on its kernel, and why not. */
export type Preconditions =
  | { readonly ok: true; readonly release: string; readonly warnings: string[] }
  | { readonly ok: false; readonly reason: string };

function releaseProblem(release: string, warnings: string[]): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (m === null) return `cannot read the kernel release '${release}'`;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  const [wantMaj, wantMin] = ORACLE_RELEASE;
  if (maj < wantMaj || (maj === wantMaj && min < wantMin)) return `kernel ${release} is older than ${wantMaj}.${wantMin}`;
  if (maj !== wantMaj || min !== wantMin) {
    warnings.push(`kernel ${release} is newer than ${wantMaj}.${wantMin}, the release the rules were measured on`);
  }
  return undefined;
}

function knobProblem(): string | undefined {
  if (!existsSync(join(THP, 'shmem_enabled'))) return `no shmem THP support (${THP}/shmem_enabled is missing)`;
  const sizes = readdirSync(THP).filter((d) => /^hugepages-\d+kB$/.test(d) && existsSync(join(THP, d, 'shmem_enabled')));
  if (sizes.length === 0) return `no per-size knobs (${THP}/hugepages-*kB/shmem_enabled)`;
  if (!existsSync(join(THP, 'khugepaged', 'full_scans'))) return `no khugepaged knobs (${THP}/khugepaged)`;
  return undefined;
}

function kpageflagsProblem(): string | undefined {
  try {
    const fd = openSync('/proc/kpageflags', 'r');
    try {
      if (readSync(fd, Buffer.alloc(8), 0, 8, 0) !== 8) return '/proc/kpageflags is unreadable (short read)';
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `/proc/kpageflags is unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  return undefined;
}

function helperProblem(helper: string, source: string | undefined): string | undefined {
  if (!existsSync(helper)) {
    return hasCompiler()
      ? `the probe helper is not built: run \`npm run build\` (${helper} is missing)`
      : 'no C compiler: `cc` is not on the PATH, so the probe helper cannot be built';
  }
  if (source !== undefined && existsSync(source) && statSync(source).mtimeMs > statSync(helper).mtimeMs) {
    return `the probe helper is older than ${source}: run \`npm run build\``;
  }
  const r = spawnSync(helper, ['--check'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error !== undefined) return `the probe helper does not start: ${r.error.message}`;
  const out = r.stdout.trim();
  if (out === 'ok') return undefined;
  return out.startsWith('fail ') ? out.slice(5) : `the probe helper's check failed: ${out || r.stderr.trim()}`;
}

/**
 * Checks, without changing anything, that scripts can run on this machine's kernel: root,
 * release 6.18 or later (later runs with a warning), shmem THP and per-size knobs,
 * a readable `/proc/kpageflags`, a built and current helper, and a tmpfs that accepts `huge=`
 * (mounted and unmounted in a private mount namespace by the helper's `--check`).
 *
 * @param opts.helper - the helper binary (default `build/probe/foliolog-probe`)
 * @returns `{ ok: true, release, warnings }`, or `{ ok: false, reason }` with a one-line reason
 */
export function checkKernelPreconditions(opts: { readonly helper?: string } = {}): Preconditions {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root: the kernel probe mounts tmpfs and writes THP knobs' };
  const release = osRelease();
  const warnings: string[] = [];
  const source = opts.helper === undefined ? probeSourcePath(packageRoot()) : undefined;
  const reason =
    releaseProblem(release, warnings) ??
    knobProblem() ??
    kpageflagsProblem() ??
    helperProblem(opts.helper ?? helperPath(), source);
  return reason === undefined ? { ok: true, release, warnings } : { ok: false, reason };
}
