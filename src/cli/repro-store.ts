import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BugName, PolicySpec } from '../model/index.js';
import { formatPolicy } from '../model/index.js';
import { isPostgresUrl, openAnyStore, pushRuns } from '../store/index.js';
import type { ReproFiles } from './commands/fuzz.js';
import { recordRun } from './commands/run.js';
import type { CliEnv } from './io.js';

/**
 * Record reproducer `files` in store `db` as `foliolog run` records it (it fails: a failed run),
 * saying on `env.stderr` what `run` says. A PostgreSQL store cannot take a recording yet, so there the run is recorded into a
 * temporary SQLite file first and pushed (`pushRuns`: one transaction, event-log hash checked).
 * @returns the run's id in `db`
 *
 * ### Example
 * ```ts
 * const run = await recordRepro('postgres://me@/foliolog?host=/run/postgresql', files, ['fault-during-punch'], policy, env, stop)
 * ```
 */
export async function recordRepro(db: string, files: ReproFiles, bugs: readonly BugName[], policy: PolicySpec, env: CliEnv,
  stop: AbortSignal): Promise<number> {
  const quiet = { ...env, progress: undefined };
  const record = (into: string): Promise<{ runId: number }> => recordRun(files.script, {
    db: into, json: true, quiet: true, check: true, seed: '1', policy: formatPolicy(policy), sched: 'random', bug: [...bugs],
    ...(files.schedule === undefined ? {} : { schedule: files.schedule }),
  }, quiet, stop);
  if (!isPostgresUrl(db)) return (await record(db)).runId;
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-repro-'));
  try {
    const local = join(dir, 'repro.db');
    const { runId } = await record(local);
    const source = await openAnyStore(local, 'existing');
    try {
      const target = await openAnyStore(db, 'create');
      try {
        const [pushed] = await pushRuns(source, target, [runId]);
        return pushed!.to;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
