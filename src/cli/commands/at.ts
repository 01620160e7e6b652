import { AtError, type AtTarget, at } from '../../query/index.js';
import { atText } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { parseRunId } from '../run-id.js';

/** Options of `foliolog at`. */
export interface AtOptions {
  readonly db: string;
  readonly json: boolean;
  readonly file?: string | undefined;
  readonly pgoff?: string | undefined;
}

/** `SEQ` or `@OP` (product.md §3). @throws CliError (exit 2). Pure. */
export function parseTarget(text: string): AtTarget {
  const m = /^(@?)(\d+)$/.exec(text);
  const n = m === null ? NaN : Number(m[2]);
  if (m === null || !Number.isSafeInteger(n)) throw new CliError(`not an event SEQ or an operation @OP: ${text}`);
  return m[1] === '@' ? { op: n } : { seq: n };
}

/** `A..B` (both included) or `N`, in pages. @throws CliError (exit 2). Pure. */
export function parsePgoffRange(text: string): readonly [number, number] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  const a = m === null ? NaN : Number(m[1]);
  const b = m === null ? NaN : Number(m[2] ?? m[1]);
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a > b) throw new CliError(`--pgoff: not a page range A..B: ${text}`);
  return [a, b];
}

/**
 * `foliolog at RUN (SEQ | @OP) [--file NAME] [--pgoff A..B]`: the page cache at that point.
 * JSON: `{run, seq, i, file, folios, states, pinned, resident, stats}` on one line.
 * @returns 0
 * @throws CliError (exit 2) for a malformed argument or a target out of range; StoreError
 *   `E_NO_RUN`/`E_INCOMPLETE`/`E_NO_STORE` (exit 2)
 */
export async function atCommand(run: string, target: string, opts: AtOptions, env: CliEnv): Promise<number> {
  const id = parseRunId(run);
  const where = parseTarget(target);
  const pgoff = opts.pgoff === undefined ? undefined : parsePgoffRange(opts.pgoff);
  const store = await openStore(opts.db, 'existing');
  try {
    let r;
    try {
      r = await at(store, id, where, { file: opts.file, pgoff });
    } catch (e) {
      if (e instanceof AtError) throw new CliError(e.message, { cause: e });
      throw e;
    }
    if (opts.json) {
      env.stdout.write(`${jsonText(r)}\n`);
      return 0;
    }
    const op = r.i < 0 ? undefined : store.loadOperations(r.run, r.i, r.i)[0];
    env.stdout.write(`${atText(r, op === undefined ? undefined : { line: op.line, op: op.op, after: op.lastSeq === r.seq })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
