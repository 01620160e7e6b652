import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { helperPath, probeSourcePath } from './_paths.js';

/** The compiler and flags used for the helper. */
export const CC_FLAGS: readonly string[] = ['-O2', '-Wall', '-Werror'];

/** The outcome of `buildProbe`: the binary's path, or why it could not be built. */
export type BuildResult =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: string };

/** True when the machine has a `cc` on its PATH. */
export function hasCompiler(): boolean {
  const r = spawnSync('cc', ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/**
 * Compiles `src/probe/probe.c` with the machine's `cc -O2 -Wall -Werror` into
 * `build/probe/foliolog-probe`. Never throws: a missing compiler or a compile error is a
 * one-line `reason` (the compiler's own messages follow it).
 *
 * ### Example
 * ```ts
 * const r = buildProbe();
 * if (!r.ok) console.error(r.reason);
 * ```
 */
export function buildProbe(source: string = probeSourcePath(), out: string = helperPath()): BuildResult {
  if (!hasCompiler()) return { ok: false, reason: 'no C compiler: `cc` is not on the PATH (install gcc or clang)' };
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync('cc', [...CC_FLAGS, '-o', out, source], { encoding: 'utf8' });
  if (r.error !== undefined) return { ok: false, reason: `cc failed to start: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `cc could not compile ${source}:\n${r.stderr.trim()}` };
  return { ok: true, path: out };
}

// `npm run build:probe` compiles this file alone with tsc and runs it: the one place in
// src/probe that writes to the console and sets an exit code. `--optional`: a machine without
// `cc` is not an error (a compile error still is).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const optional = process.argv.includes('--optional');
  const r = buildProbe();
  if (r.ok) console.log(`built ${r.path}`);
  else if (optional && !hasCompiler()) {
    // `npm test` builds the probe when it can; without cc only the real-kernel tests skip.
    console.warn(`${r.reason}; the real-kernel probe is not built and its tests will skip`);
  }
  else {
    console.error(r.reason);
    process.exitCode = 2;
  }
}
