import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChartLibraries } from '../report/index.js';
import { CliError } from './errors.js';

/* What the picture commands (`report`, `export`, `diff --html`) write, and the builds they inline. */

const require = createRequire(import.meta.url);

/**
 * The chart libraries' browser builds, inlined into every report. Their packages export no
 * path to them, so they are found beside each package's entry point (all three in `build/`).
 */
export function chartLibraries(): ChartLibraries {
  const read = (pkg: string, build: string): string => readFileSync(join(dirname(require.resolve(pkg)), build), 'utf8');
  return { vega: read('vega', 'vega.min.js'), vegaLite: read('vega-lite', 'vega-lite.min.js'), vegaEmbed: read('vega-embed', 'vega-embed.min.js') };
}

/** Write `text` to `path` whole or not at all: a temporary file beside it, then a rename. */
export function writeWhole(path: string, text: string): number {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return Buffer.byteLength(text);
}

