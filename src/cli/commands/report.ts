import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readTimeline } from '../../query/index.js';
import { type ChartLibraries, perfettoTrace, reportData, reportHtml } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { parseRunId } from '../run-id.js';

/** Options of `foliolog report` and `foliolog export`. */
export interface PictureOptions {
  readonly db: string;
  readonly json: boolean;
  /** `report --out FILE` (default `run-<id>.html`). */
  readonly out?: string | undefined;
  /** `export --perfetto FILE`. */
  readonly perfetto?: string | undefined;
}

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
function writeWhole(path: string, text: string): number {
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

/**
 * `foliolog report RUN [--out FILE.html]`: one self-contained HTML page of the run (folio map
 * over time per file, memory over time, the run's facts and script; hover and click answered
 * in the page). Prints `wrote FILE (N bytes, F folios)`; JSON: `{run, out, bytes, folios, binned}`.
 * @returns 0
 * @throws CliError (exit 2) for a malformed run id or an unwritable file; StoreError
 *   `E_NO_RUN`/`E_INCOMPLETE`/`E_NO_STORE` (exit 2)
 */
export async function reportCommand(run: string, opts: PictureOptions, env: CliEnv): Promise<number> {
  const id = parseRunId(run);
  const store = await openStore(opts.db, 'existing');
  let data;
  try {
    data = reportData(await readTimeline(store, id));
  } finally {
    await store.close();
  }
  const out = opts.out ?? `run-${id}.html`;
  const bytes = writeWhole(out, reportHtml(data, chartLibraries()));
  const folios = data.folios?.length ?? data.bins!.cells.reduce((n, c) => n + c[3], 0);
  env.stdout.write(opts.json
    ? `${jsonText({ run: id, out, bytes, folios, binned: data.bins !== null })}\n`
    : `wrote ${out} (${bytes} bytes, ${folios} folios${data.bins ? ', drawn in bins' : ''})\n`);
  return 0;
}

/**
 * `foliolog export RUN --perfetto FILE.json`: the run in the Chrome JSON Trace Event Format for
 * ui.perfetto.dev (see src/report/perfetto.ts). Prints `wrote FILE (N trace events)`; JSON:
 * `{run, perfetto, events}`.
 * @returns 0
 * @throws CliError (exit 2) without `--perfetto`, for a malformed run id or an unwritable file;
 *   StoreError `E_NO_RUN`/`E_INCOMPLETE`/`E_NO_STORE` (exit 2)
 */
export async function exportCommand(run: string, opts: PictureOptions, env: CliEnv): Promise<number> {
  const id = parseRunId(run);
  if (opts.perfetto === undefined) throw new CliError('say what to export: --perfetto FILE.json');
  const store = await openStore(opts.db, 'existing');
  let text;
  try {
    text = perfettoTrace(await readTimeline(store, id));
  } finally {
    await store.close();
  }
  writeWhole(opts.perfetto, text);
  const events = text.split('\n').length - 4;
  env.stdout.write(opts.json ? `${jsonText({ run: id, perfetto: opts.perfetto, events })}\n` : `wrote ${opts.perfetto} (${events} trace events)\n`);
  return 0;
}
