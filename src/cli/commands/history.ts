import { HistoryError, type HistoryTarget, history } from '../../query/index.js';
import { historyText } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { parseRunId } from '../run-id.js';

/** Options of `foliolog history`. */
export interface HistoryOptions {
  readonly db: string;
  readonly json: boolean;
  readonly pgoff?: string | undefined;
  readonly file?: string | undefined;
  readonly folio?: string | undefined;
}

/** A decimal integer ≥ `min` for option `flag`. @throws CliError (exit 2). Pure. */
function parseIndex(text: string, flag: string, what: string, min: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${flag}: not ${what}: ${text}`);
  return n;
}

/**
 * `--pgoff N [--file NAME]` or `--folio ID`, exactly one of them (product.md §3).
 * @throws CliError (exit 2) for both, neither, `--file` with `--folio`, a malformed number. Pure.
 */
export function parseHistoryTarget(opts: Pick<HistoryOptions, 'pgoff' | 'file' | 'folio'>): HistoryTarget {
  if (opts.pgoff !== undefined && opts.folio !== undefined) throw new CliError('give --pgoff N or --folio ID, not both');
  if (opts.folio !== undefined) {
    if (opts.file !== undefined) throw new CliError('--file goes with --pgoff: a folio belongs to one file');
    return { folio: parseIndex(opts.folio, '--folio', 'a folio id', 1) };
  }
  if (opts.pgoff === undefined) throw new CliError('say whose history: --pgoff N (a page) or --folio ID (a folio)');
  return { pgoff: parseIndex(opts.pgoff, '--pgoff', 'a page index', 0), file: opts.file };
}

/**
 * `foliolog history RUN (--pgoff N [--file NAME] | --folio ID)`: every transition of the folios
 * that covered a page, or of one folio. JSON: one array of
 * `{seq, i, folio, pgoff, order, event, from, to, parent, into, line, op}` on one line.
 * @returns 0
 * @throws CliError (exit 2) for a malformed argument, an unknown folio or file, a page never
 *   cached; StoreError `E_NO_RUN`/`E_INCOMPLETE`/`E_NO_STORE` (exit 2)
 */
export async function historyCommand(run: string, opts: HistoryOptions, env: CliEnv): Promise<number> {
  const id = parseRunId(run);
  const target = parseHistoryTarget(opts);
  const store = await openStore(opts.db, 'existing');
  try {
    let r;
    try {
      r = await history(store, id, target);
    } catch (e) {
      if (e instanceof HistoryError) throw new CliError(e.message, { cause: e });
      throw e;
    }
    env.stdout.write(`${opts.json ? jsonText(r.rows) : historyText(r)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
