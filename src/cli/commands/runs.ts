import { runsTable } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import type { CliEnv } from '../io.js';

/**
 * `foliolog runs`: every run of the store, incomplete ones included.
 * JSON: `[{id, source, script, policy, seed, ops, events, status, created}]` on one line.
 */
export async function runsCommand(opts: { readonly db: string; readonly json: boolean }, env: CliEnv): Promise<number> {
  const store = await openStore(opts.db);
  try {
    const runs = (await store.listRuns()).map((r) => ({
      id: r.id, source: r.source, script: r.scriptName, policy: r.policy, seed: r.seed,
      ops: r.ops, events: r.events, status: r.status, created: r.createdAt,
    }));
    if (opts.json) {
      env.stdout.write(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    env.stdout.write(`${runsTable(runs)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
