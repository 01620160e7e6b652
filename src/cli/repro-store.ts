import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BugName, PolicySpec } from '../model/index.js';
import { formatPolicy } from '../model/index.js';
import { openStore, pushRuns } from '../store/index.js';
import type { ReproFiles } from './commands/fuzz.js';
import { recordRun } from './commands/run.js';
import type { CliEnv } from './io.js';

/**
 * Record reproducer `files` in store `db` as `foliolog run` records it (it fails: a failed run),
 * saying on `env.stderr` what `run` says. `whole` (campaign workers, which share the team's
 * store and may be killed any time): the run is recorded into a temporary SQLite file first and
 * pushed (`pushRuns`: one transaction, event-log hash checked), silently, so it appears in `db`
 * whole or not at all and a worker killed while recording leaves no incomplete run behind.
 * @returns the run's id in `db`
 *
 * ### Example
 * ```ts
 * const run = await recordRepro('postgres://me@/foliolog?host=/run/postgresql', files, ['fault-during-punch'], policy, env, stop, true)
 * ```
 */
export async function recordRepro(db: string, files: ReproFiles, bugs: readonly BugName[], policy: PolicySpec, env: CliEnv,
  stop: AbortSignal, whole = false): Promise<number> {
  const quiet = whole ? { ...env, progress: undefined, stderr: { write: () => undefined } } : { ...env, progress: undefined };
  const record = (into: string): Promise<{ runId: number }> => recordRun(files.script, {
    db: into, json: true, quiet: true, check: true, seed: '1', policy: formatPolicy(policy), sched: 'random', bug: [...bugs],
    ...(files.schedule === undefined ? {} : { schedule: files.schedule }),
  }, quiet, stop);
  if (!whole) return (await record(db)).runId;
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-repro-'));
  try {
    const local = join(dir, 'repro.db');
    const { runId } = await record(local);
    const source = await openStore(local, 'existing');
    try {
      const target = await openStore(db, 'create');
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
