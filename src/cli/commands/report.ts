import { type Timeline, readTimeline } from '../../query/index.js';
import { perfettoTrace, reportData, reportHtml } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import { chartLibraries, writeWhole } from '../written-files.js';
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

/** Run `id` of the store at `db` as a `Timeline`, the store closed again. */
async function timelineOf(db: string, id: number): Promise<Timeline> {
  const store = await openStore(db, 'existing');
  try {
    return await readTimeline(store, id);
  } finally {
    await store.close();
  }
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
  const data = reportData(await timelineOf(opts.db, id));
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
  const { json, events } = perfettoTrace(await timelineOf(opts.db, id));
  writeWhole(opts.perfetto, json);
  env.stdout.write(opts.json ? `${jsonText({ run: id, perfetto: opts.perfetto, events })}\n` : `wrote ${opts.perfetto} (${events} trace events)\n`);
  return 0;
}
