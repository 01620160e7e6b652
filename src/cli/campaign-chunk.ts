import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chunk } from '../campaign/index.js';
import type { FuzzFound } from '../fuzz/index.js';
import { Sweep } from '../fuzz/index.js';
import type { BugName, PolicySpec } from '../model/index.js';
import type { Campaign, FailureRecord } from '../store/campaign/index.js';
import { replayCommand, seedCommand, shrinkFound } from './commands/fuzz.js';
import { bugsOption, policyOption } from './commands/run.js';
import type { CliEnv } from './io.js';
import { recordRepro } from './repro-store.js';
import { stepInSlices } from './slices.js';

/** What every seed of a campaign runs with, parsed back from its row. */
export interface SeedOptions {
  readonly ops: number;
  readonly tasks: number;
  readonly bugs: readonly BugName[];
  readonly policy: PolicySpec;
}

/** A campaign's seed options. @throws CliError when its row names what this build does not know. */
export function seedOptions(c: Campaign): SeedOptions {
  return { ops: c.ops, tasks: c.tasks, bugs: bugsOption(c.bugs), policy: policyOption(c.policy) };
}

/** What a chunk's seeds gave before their failures are shrunk. */
export interface SweptChunk {
  readonly passed: number;
  readonly ops: number;
  readonly found: readonly FuzzFound[];
}

/**
 * Run every seed of `chunk` (a `Sweep`), in slices so that a stop request is seen between
 * seeds. @returns the sweep, or 'stopped' when `stop` ended it first (nothing of it is kept).
 */
export async function sweepChunk(chunk: Chunk, o: SeedOptions, stop: AbortSignal): Promise<SweptChunk | 'stopped'> {
  const sweep = new Sweep({ seeds: [chunk.first, chunk.last], ...o });
  if (await stepInSlices(sweep, stop) === 'stopped') return 'stopped';
  return sweep;
}

/**
 * The failures of a chunk as campaign rows. The first failure of each kind (check and command)
 * in the chunk is shrunk, its reproducer recorded as a failed run of store `db` (through a
 * temporary SQLite file and a push, on PostgreSQL) and kept with the `foliolog run` command that
 * replays it from `foliolog campaign NAME --out .`; the others keep the `foliolog fuzz` command
 * that finds and shrinks their seed alone (a chunk of a bug that fails every seed would spend its
 * time shrinking the same failure). Recording is not interrupted: a chunk whose seeds all ran
 * is finished.
 */
export async function failureRows(c: Campaign, chunk: Chunk, found: readonly FuzzFound[], o: SeedOptions, db: string,
  env: CliEnv): Promise<FailureRecord[]> {
  const kinds = new Set<string>();
  const rows: FailureRecord[] = [];
  const never = new AbortController().signal;
  for (const f of found) {
    const failure = f.trial.failure;
    const base = { seed: f.seed, chunk: chunk.chunk, op: f.trial.failedCmd ?? null, message: failure.message };
    const kind = `${failure.check ?? failure.kind} ${f.trial.failedCmd}`;
    if (failure.kind !== 'check' || kinds.has(kind)) {
      rows.push({ ...base, check: failure.check ?? failure.kind, script: null, schedule: null, run: null,
        command: seedCommand(f.seed, o.ops, o.tasks, o.bugs, o.policy) });
      continue;
    }
    kinds.add(kind);
    const dir = mkdtempSync(join(tmpdir(), 'foliolog-chunk-'));
    try {
      const { files, stem } = await shrinkFound(f, o, dir, [`campaign ${c.name}, chunk ${chunk.chunk}`]);
      const run = await recordRepro(db, files, o.bugs, o.policy, env, never, true);
      const schedule = files.schedule === undefined ? undefined : `${stem}.schedule`;
      rows.push({
        ...base, check: failure.check!, message: files.trial.failure!.message.replace(files.script, `${stem}.fl`),
        script: readFileSync(files.script, 'utf8'), schedule: files.schedule === undefined ? null : readFileSync(files.schedule, 'utf8'),
        run, command: replayCommand(`${stem}.fl`, schedule, o.bugs, o.policy),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
