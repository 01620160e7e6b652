import { ExplainError, explain } from '../../query/index.js';
import { explainText } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { parseRunId } from '../run-id.js';
import { parseTarget } from './at.js';

/** Options of `foliolog explain`. */
export interface ExplainOptions {
  readonly db: string;
  readonly json: boolean;
}

/**
 * `foliolog explain RUN @OP`: why that command left the layout it left (the order chain of each
 * folio it allocated, each split and its cause or pins, each collapse block). `@OP` is parsed as
 * `at` parses it; a bare SEQ is refused. JSON: `{run, i, line, op, source, note, file, before,
 * after, allocations, splits, collapses}` on one line.
 * @returns 0
 * @throws CliError (exit 2) for a malformed argument or an OP out of range; StoreError
 *   `E_NO_RUN`/`E_INCOMPLETE`/`E_NO_STORE` (exit 2)
 *
 * ### Example
 * ```ts
 * await explainCommand('1', '@1', { db: 'foliolog.db', json: false }, env) // prints the order chains
 * ```
 */
export async function explainCommand(run: string, target: string, opts: ExplainOptions, env: CliEnv): Promise<number> {
  const id = parseRunId(run);
  const where = parseTarget(target);
  if (!('op' in where)) throw new CliError(`explain takes an operation @OP, not an event SEQ: ${target}`);
  const store = await openStore(opts.db, 'existing');
  try {
    let r;
    try {
      r = await explain(store, id, where.op);
    } catch (e) {
      if (e instanceof ExplainError) throw new CliError(e.message, { cause: e });
      throw e;
    }
    env.stdout.write(`${opts.json ? jsonText(r) : explainText(r)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
