import { runsTable } from '../../report/index.js';
import { type Store, openStore } from '../../store/index.js';
import type { CliEnv } from '../io.js';
import { parseRunId } from '../run-id.js';

/** Options of `foliolog runs`. */
export interface RunsOptions {
  readonly db: string;
  readonly json: boolean;
  /** `--delete ID...`: the ids as typed. */
  readonly delete?: readonly string[];
  /** `--vacuum`: give the free space back to the file system. */
  readonly vacuum?: boolean;
}

/**
 * `foliolog runs [--delete ID...] [--vacuum]`: every run of the store, incomplete ones
 * included. `--delete` first removes runs with all their rows in one transaction (an unknown id
 * deletes nothing), `--vacuum` then shrinks the file; both say on stderr what they did, and the
 * remaining runs are listed as without them. Opens an existing store only: a missing or 0-byte
 * file (or a PostgreSQL database without tables) is refused and nothing is created. On a
 * PostgreSQL store it lists; `--delete` and `--vacuum` are refused (`E_UNSUPPORTED`).
 * JSON: `[{id, source, script, policy, seed, ops, events, status, created}]` on one line.
 * @returns 0
 * @throws CliError (exit 2) for a malformed id, before the store is opened; StoreError (exit 2)
 *   `E_NO_STORE`, `E_DAMAGED`, `E_NO_RUN` (nothing deleted)
 *
 * ### Example
 * ```sh
 * foliolog runs --delete 3 4 --vacuum --json
 * ```
 */
export async function runsCommand(opts: RunsOptions, env: CliEnv): Promise<number> {
  const ids = (opts.delete ?? []).map(parseRunId);
  const store = await openStore(opts.db, 'existing');
  try {
    if (ids.length > 0) {
      for (const run of store.deleteRuns(ids)) {
        env.stderr.write(`deleted run ${run.id} (${run.events} events${run.status === 'complete' ? '' : `, ${run.status}`})\n`);
      }
    }
    if (opts.vacuum === true) {
      const { before, after } = store.vacuum();
      env.stderr.write(`vacuumed ${store.path}: ${before} -> ${after} bytes\n`);
    }
    await listRuns(store, opts.json, env);
    return 0;
  } finally {
    await store.close();
  }
}

async function listRuns(store: Store, json: boolean, env: CliEnv): Promise<void> {
  const runs = (await store.listRuns()).map((r) => ({
    id: r.id, source: r.source, script: r.scriptName, policy: r.policy, seed: r.seed,
    ops: r.ops, events: r.events, status: r.status, created: r.createdAt,
  }));
  env.stdout.write(`${json ? JSON.stringify(runs) : runsTable(runs)}\n`);
}
