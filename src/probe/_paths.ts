import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: the nearest folder above this module holding `src/probe/probe.c` and a
 * `package.json`. Works from `src/probe` (vitest), `dist/src/probe` and `build/probe/js`.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'probe', 'probe.c'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('foliolog package root not found (no src/probe/probe.c above this module)');
    dir = up;
  }
}

/** `src/probe/probe.c` of the package. */
export function probeSourcePath(root: string = packageRoot()): string {
  return join(root, 'src', 'probe', 'probe.c');
}

/** Where `npm run build:probe` puts the helper binary (the git-ignored `build/`). */
export function helperPath(root: string = packageRoot()): string {
  return join(root, 'build', 'probe', 'foliolog-probe');
}
