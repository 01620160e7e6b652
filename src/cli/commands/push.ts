import { openStore, pushRuns } from '../../store/index.js';
import type { CliEnv } from '../io.js';
import { parseRunId } from '../run-id.js';

/** Options of `foliolog push`. */
export interface PushOptions {
  /** The source store (`--db`). */
  readonly db: string;
  /** The target store (`--to`): a SQLite file or a `postgres://` URL. */
  readonly to: string;
  readonly json: boolean;
}

/**
 * `foliolog push RUN... --to DB [--db SRC]`: copy finished runs from one store to another, any
 * backend to any (SQLite, PostgreSQL). Each run goes in one transaction of the target with every
 * row it has, gets a new id there and keeps its origin and event-log hash; stderr says
 * `pushed run 3 → 41` for each. Every run is checked first: an unknown run, an incomplete one or
 * one the target holds already (pushed before, or the target's own) refuses the whole command
 * and nothing is copied. The target is created when missing (a new SQLite file, or a PostgreSQL
 * database without tables); the source must exist.
 * JSON: `[{from, to, events}]` on one line.
 * @returns 0
 * @throws CliError (exit 2) for a malformed id, before any store is opened; StoreError (exit 2)
 *   `E_NO_STORE`, `E_FOREIGN`, `E_NEWER`, `E_UNREADABLE`, `E_NO_RUN`, `E_INCOMPLETE`, `E_DUPLICATE_RUN`
 *
 * ### Example
 * ```sh
 * foliolog push 3 4 --to postgres://me@/foliolog?host=/run/postgresql
 * ```
 */
export async function pushCommand(runs: readonly string[], opts: PushOptions, env: CliEnv): Promise<number> {
  const ids = runs.map(parseRunId);
  const source = await openStore(opts.db, 'existing');
  try {
    const target = await openStore(opts.to, 'create');
    try {
      const pushed = await pushRuns(source, target, ids, (r) => env.stderr.write(`pushed run ${r.from} → ${r.to}\n`));
      if (opts.json) env.stdout.write(`${JSON.stringify(pushed)}\n`);
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
