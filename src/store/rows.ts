import type { BlindRun, DataRun, FolioTriple, StatsDelta } from '../script/index.js';
import type { PolicyWork } from '../model/index.js';
import type { FileKind, RunSource, RunStatus, RunsRow } from './database.js';
import { StoreError } from './errors.js';

/** A JSON value (what `runs.config` holds). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One event of the log, exactly the stored columns (product.md §4). `arg` is 64-bit. */
export interface EventRow {
  /** 1-based event number within the run. */
  readonly seq: number;
  /** 0-based command index. */
  readonly i: number;
  readonly folio: number | null;
  /** Code from `EVENT_CODES` (src/model/events.ts). */
  readonly event: number;
  /** Lifecycle state codes (`folio_states`), null for events that change none. */
  readonly from: number | null;
  readonly to: number | null;
  readonly arg: bigint | number | null;
}

/** An event row read back from the store: `arg` exact, as `bigint`. */
export interface StoredEvent extends EventRow {
  readonly arg: bigint | null;
}

/** Where a folio is born: its `folios` row, apart from ids and seqs. */
export interface BornFolio {
  readonly file: number;
  /** First page, in 4 KiB pages. */
  readonly pgoff: number;
  readonly order: number;
  readonly parent: number | null;
}

/** What an event does to the folio table besides its row: a birth, or an end. */
export interface EventExtra {
  readonly born?: BornFolio;
  readonly ended?: true;
}

/** A `files` row as the writer takes it. */
export interface FileInput {
  /** Per-run, 1-based. */
  readonly id: number;
  readonly name: string;
  /** Per-run 1-based mount number. */
  readonly mount: number;
  readonly kind: FileKind;
}

/**
 * An `operations` row as the writer takes it: a §2 `Observation` plus task and current file.
 * `ret` is an errno name on failure. `folios`/`blind` are kept for kernel runs only.
 */
export interface OperationInput {
  readonly i: number;
  readonly line: number;
  readonly op: string;
  readonly task?: string | null | undefined;
  readonly ret: bigint | number | string;
  /** i_size after the operation, bytes. */
  readonly size: bigint | number;
  /** st_blocks after the operation, 512-byte units. */
  readonly blocks: bigint | number;
  readonly stats: StatsDelta;
  readonly data?: readonly DataRun[] | null | undefined;
  readonly folios?: readonly FolioTriple[] | null | undefined;
  readonly blind?: readonly BlindRun[] | null | undefined;
  /** Current file id after the operation, null when there is none. */
  readonly file: number | null;
  /** `layoutDigest` of the §2 page cache after the operation (src/script), when known. */
  readonly layout?: number | null | undefined;
  /** SEEK commands of model runs: bytes reported as data that hold no written data. */
  readonly unwrittenData?: bigint | number | null | undefined;
  /** Pages resident in every file that hold no written byte (model runs; migration 0008). */
  readonly noData?: number | null | undefined;
  /** The what-if policy's work in the command (model runs with metrics; migration 0009). */
  readonly work?: PolicyWork | undefined;
}

/** An `explanations` row (migration 0004): the model's own type, shared with the simulator. */
export type { ExplanationRow } from '../model/index.js';

/** An `operations` row read back: 64-bit values exact, JSON parsed. */
export interface OperationRecord {
  readonly i: number;
  readonly line: number;
  readonly op: string;
  readonly task: string | null;
  readonly ret: bigint | string;
  readonly size: bigint;
  readonly blocks: bigint;
  readonly stats: StatsDelta;
  readonly data: readonly DataRun[] | null;
  readonly folios: readonly FolioTriple[] | null;
  readonly blind: readonly BlindRun[] | null;
  readonly file: number | null;
  readonly lastSeq: number;
  /** `layoutDigest` of its page cache; null in runs recorded before migration 0002. */
  readonly layout: number | null;
  /** Pages of every live folio of the run after it; null before migration 0002. */
  readonly resident: number | null;
}

/** A `runs` row, JSON parsed, camelCase. */
export interface RunRecord {
  readonly id: number;
  readonly source: RunSource;
  readonly scriptName: string;
  readonly scriptText: string;
  readonly config: JsonValue;
  readonly seed: number;
  readonly policy: string;
  readonly bugs: readonly string[];
  readonly schedule: string | null;
  readonly foliologVersion: string;
  readonly nodeVersion: string;
  readonly sqliteVersion: string;
  readonly kernelRelease: string | null;
  readonly status: RunStatus;
  readonly failure: string | null;
  readonly createdAt: string;
  readonly ops: number;
  readonly events: number;
  readonly eventHash: string | null;
  readonly checkpointInterval: number;
  /** Per-size counters summed over the run (§2 `stats` shape); null until finished, or before 0002. */
  readonly counters: StatsDelta | null;
  /** Events per type code and per state code entered; null until finished, or before 0002. */
  readonly tallies: RunTallies | null;
  /** `STORE_ID/RUN_ID` where the run was first recorded, when it was pushed here (migration 0010); else null. */
  readonly origin: string | null;
}

/**
 * `runs.tallies`: how many events of each type code, and how many entered each state code;
 * and, in runs recorded since they were kept, the most pages held after any event, the pages
 * and the folios per order live at the end (what `diff`'s summary shows, without a scan).
 */
export interface RunTallies {
  readonly events: Readonly<Record<string, number>>;
  readonly states: Readonly<Record<string, number>>;
  readonly peakResident?: number;
  readonly finalResident?: number;
  readonly foliosByOrder?: Readonly<Record<string, number>>;
}

/** The hashed text of one event: `[seq,i,folio,event,from,to,arg]` and "\n". Pure. */
export function eventLine(r: EventRow): string {
  // Template literals print null as `null` and a bigint as its bare digits, as JSON would.
  return `[${r.seq},${r.i},${r.folio},${r.event},${r.from},${r.to},${r.arg}]\n`;
}

/** Map a Kysely `runs` row. @throws StoreError `E_CORRUPT` on unparsable JSON. Pure. */
export function toRunRecord(row: RunsRow): RunRecord {
  return {
    id: row.id, source: row.source, scriptName: row.script_name, scriptText: row.script_text,
    config: parseJson(row.config, 'runs.config') as JsonValue, seed: row.seed, policy: row.policy,
    bugs: parseArray(row.bugs, 'runs.bugs') as string[], schedule: row.schedule,
    foliologVersion: row.foliolog_version, nodeVersion: row.node_version, sqliteVersion: row.sqlite_version,
    kernelRelease: row.kernel_release, status: row.status, failure: row.failure, createdAt: row.created_at,
    ops: row.ops, events: row.events, eventHash: row.event_hash, checkpointInterval: row.checkpoint_interval,
    counters: row.counters === null ? null : parseJson(row.counters, 'runs.counters') as StatsDelta,
    tallies: row.tallies === null ? null : parseJson(row.tallies, 'runs.tallies') as RunTallies,
    origin: row.origin,
  };
}

/** Parse a JSON column. @throws StoreError `E_CORRUPT`. Pure. */
export function parseJson(text: string, column: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new StoreError('E_CORRUPT', `${column} holds invalid JSON`, { cause: e });
  }
}

/** Parse a JSON column that must hold an array. @throws StoreError `E_CORRUPT`. Pure. */
export function parseArray(text: string, column: string): unknown[] {
  const v = parseJson(text, column);
  if (!Array.isArray(v)) throw new StoreError('E_CORRUPT', `${column} is not a JSON array`);
  return v;
}

/** Collapse a message to one line (runs.failure is shown in one-line diagnostics). Pure. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
