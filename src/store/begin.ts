import type { Engine } from './engine.js';
import { LAYOUT_DIGEST_VERSION } from '../script/index.js';
import { CHECKPOINT_INTERVAL } from './checkpoints.js';
import type { RunSource } from './database.js';
import { wrapSqliteError } from './errors.js';
import type { JsonValue } from './rows.js';
import { RunWriter, type WriterOptions } from './writer.js';

/** The wall clock, injected: the store never reads it itself. */
export interface Clock {
  now(): Date;
}

/** What a run row records before its first event (product.md §4). */
export interface RunMeta {
  readonly source: RunSource;
  /** The script file name as given on the command line. */
  readonly scriptName: string;
  readonly scriptText: string;
  /** The effective configuration, stored as JSON. */
  readonly config: JsonValue;
  readonly seed: number;
  readonly policy: string;
  /** `--bug` switches, stored as a JSON array. */
  readonly bugs: readonly string[];
  /** The `--schedule` file's text, if any. */
  readonly schedule: string | null;
  readonly foliologVersion: string;
  readonly nodeVersion: string;
  /** `uname -r` of a kernel run, else null. */
  readonly kernelRelease: string | null;
}

/**
 * Insert a run row with status `incomplete` (`created_at` from `clock`, the engine's version
 * in `sqlite_version`) and return its writer. Sync.
 * @throws StoreError `E_SQLITE`.
 */
export function beginRun(engine: Engine, meta: RunMeta, clock: Clock, options: WriterOptions = {}): RunWriter {
  const interval = options.checkpointInterval ?? CHECKPOINT_INTERVAL;
  const conn = engine.conn;
  try {
    const id = conn.prepare(`insert into runs (source, script_name, script_text, config, seed,
      policy, bugs, schedule, foliolog_version, node_version, sqlite_version, kernel_release, status, created_at,
      checkpoint_interval, layout_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'incomplete', ?, ?, ?) returning id`).pluck().get(
      meta.source, meta.scriptName, meta.scriptText, JSON.stringify(meta.config), meta.seed, meta.policy,
      JSON.stringify(meta.bugs), meta.schedule, meta.foliologVersion, meta.nodeVersion, engine.version(),
      meta.kernelRelease, clock.now().toISOString(), interval, LAYOUT_DIGEST_VERSION);
    return new RunWriter(conn, engine.batches(), Number(id), meta.source, options);
  } catch (e) {
    throw wrapSqliteError(e, conn.name, `cannot start a run of ${meta.scriptName}`);
  }
}
