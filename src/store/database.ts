import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/*
 * Kysely types of the store schema (migrations/, tables only: the views of 0003_create_views are
 * for SQL users and read through `Store.query`).
 *
 * JSON columns are typed `string`, not `JSONColumnType<>`: SQLite hands back the text and we
 * parse it in rows.ts rather than install ParseJSONResultsPlugin, which would also "parse"
 * any text column that happens to look like JSON (a script starting with `[`).
 *
 * 64-bit columns (ret, size, blocks, arg) read back through Kysely as lossy `number`s past
 * 2^53; read them exactly with `loadOperations()` / `readEvents()` (better-sqlite3
 * safeIntegers). Writes may bind `bigint`.
 */

/** A 64-bit integer column: lossy `number` through Kysely, `bigint` accepted on write. */
export type Int64Column = ColumnType<number, bigint | number, bigint | number>;
/** A nullable 64-bit integer column. */
export type NullableInt64Column = ColumnType<number | null, bigint | number | null, bigint | number | null>;

/** Where a run came from. */
export type RunSource = 'model' | 'kernel';
/** Lifecycle of a run (product.md §4). */
export type RunStatus = 'incomplete' | 'complete' | 'failed';
/** What kind of shmem object a file is. */
export type FileKind = 'tmpfs' | 'memfd' | 'anon' | 'sysv';

/** `runs`: one row per recorded run; `id` is never reused (AUTOINCREMENT). */
export interface RunsTable {
  id: Generated<number>;
  source: RunSource;
  script_name: string;
  script_text: string;
  /** JSON text. */
  config: string;
  seed: number;
  policy: string;
  /** JSON text: an array of bug-switch names. */
  bugs: string;
  schedule: string | null;
  foliolog_version: string;
  node_version: string;
  sqlite_version: string;
  kernel_release: string | null;
  status: RunStatus;
  /** One line; only for `failed`. */
  failure: string | null;
  /** ISO 8601; the only wall-clock field of the store. */
  created_at: string;
  ops: number;
  events: number;
  /** Lowercase hex SHA-256 of the event log; set by the last transaction. */
  event_hash: string | null;
  checkpoint_interval: number;
  /** JSON text: the per-size counters summed over the run (§2 `stats` shape); set when it finishes. */
  counters: string | null;
  /** JSON text: `{ events: {TYPE: n}, states: {STATE: n} }`, events per type and per state entered. */
  tallies: string | null;
  /** Which layout digest `operations.layout` holds (migration 0006): null = 1, else 2. */
  layout_version: number | null;
  /** `STORE_ID/RUN_ID` of the run as first recorded, when pushed here (migration 0010); else null. */
  origin: string | null;
}

/** `files`: the files (inodes) of a run, 1-based per run. */
export interface FilesTable {
  run_id: number;
  id: number;
  name: string;
  mount: number;
  kind: FileKind;
}

/** `operations`: one row per command line (product.md §2); exactly one of ret/errno is set. */
export interface OperationsTable {
  run_id: number;
  i: number;
  line: number;
  op: string;
  task: string | null;
  ret: NullableInt64Column;
  errno: string | null;
  size: Int64Column;
  blocks: Int64Column;
  /** JSON text of the §2 `stats` object. */
  stats: string;
  /** JSON text of the §2 `data` runs, reads only. */
  data: string | null;
  /** JSON text of the §2 `folios`, kernel runs only. */
  folios: string | null;
  /** JSON text of the §2 `blind` runs, kernel runs only. */
  blind: string | null;
  file: number | null;
  /** Seq of the last event at the end of this operation, 0 before the first event. */
  last_seq: number;
  /** `layoutDigest` of the operation's §2 page cache (null in runs older than migration 0002). */
  layout: number | null;
  /** Pages held by every live folio of the run after the operation (null before 0002). */
  resident: number | null;
  /**
   * SEEK operations of model runs: bytes reported as data that hold no written data (migration
   * 0003, README "holes_as_data"); null for other commands, kernel runs and older runs.
   */
  unwritten_data: NullableInt64Column;
  no_data: NullableInt64Column;
  /** The what-if lab's work in the command (migration 0009; metrics runs only, else null). */
  split_retries: NullableInt64Column;
  pages_scanned: NullableInt64Column;
  bytes_compared: NullableInt64Column;
  zeros_holed: NullableInt64Column;
  metadata_bytes: NullableInt64Column;
}

/** `folios`: one row per folio a run ever had; `id` is the run's allocation counter. */
export interface FoliosTable {
  run_id: number;
  id: number;
  file: number;
  pgoff: number;
  order: number;
  parent: number | null;
  born_seq: number;
  ended_seq: number | null;
  ended_state: number | null;
  /** 1 when inferred from a kernel run's layout changes. */
  inferred: number;
  /** Its event seqs after birth, varint deltas (migration 0005); null before; from 0006 written as the run goes. */
  events: Uint8Array | null;
}

/** `events`: the append-only event log, integers only. */
export interface EventsTable {
  run_id: number;
  seq: number;
  i: number;
  folio: number | null;
  event: number;
  from_state: number | null;
  to_state: number | null;
  arg: NullableInt64Column;
}

/** `checkpoints`: the live folios after event `seq` (see checkpoints.ts for the encoding). */
export interface CheckpointsTable {
  run_id: number;
  seq: number;
  data: Uint8Array;
  /** Operations finished before the checkpoint (null before migration 0002). */
  ops: number | null;
  /** JSON text: the per-size counters summed over those operations (null before 0002). */
  counters: string | null;
}

/**
 * `explanations` (migration 0004): the model's decisions, for `foliolog explain`; which
 * columns each `kind` uses is documented in migrations/0004_create_explanations.ts.
 */
export interface ExplanationsTable {
  run_id: number;
  i: number;
  /** The decision's order within the operation, from 0. */
  n: number;
  kind: number;
  folio: number | null;
  nr: number | null;
  pgoff: number | null;
  cause: number | null;
  result: number | null;
  settings: number | null;
  per_size: number | null;
  global_orders: number | null;
  allowable_orders: number | null;
  vma_orders: number | null;
  suitable_orders: number | null;
  i_size: NullableInt64Column;
  write_end: NullableInt64Column;
  vma_start: number | null;
  vma_end: number | null;
}

/**
 * `operation_blocks` (migration 0006): a hash of what `diff` compares of each of `ops`
 * operations from `first_i`, so that `diff` reads the rows of differing blocks only.
 */
export interface OperationBlocksTable {
  run_id: number;
  first_i: number;
  ops: number;
  /** First 16 bytes of a SHA-256 (see operation-blocks.ts). */
  hash: Uint8Array;
}

/** `explanation_codes`: `(field, code)` → name of every coded `explanations` column. */
export interface ExplanationCodesTable {
  field: string;
  code: number;
  name: string;
}

/** `event_types` and `folio_states`: lookup tables for SQL users. */
export interface CodeNameTable {
  code: number;
  name: string;
}

/** `folio_states`: code → name, and whether a folio ends in it (migration 0006). */
export interface FolioStatesTable extends CodeNameTable {
  final: number;
}

/** `store_meta` (migration 0010): facts about the store itself; key `id` is its identity (a UUID). */
export interface StoreMetaTable {
  key: string;
  value: string;
}

/** The whole schema, for `Kysely<Database>`. */
export interface Database {
  runs: RunsTable;
  files: FilesTable;
  operations: OperationsTable;
  folios: FoliosTable;
  events: EventsTable;
  checkpoints: CheckpointsTable;
  event_types: CodeNameTable;
  folio_states: FolioStatesTable;
  explanations: ExplanationsTable;
  explanation_codes: ExplanationCodesTable;
  operation_blocks: OperationBlocksTable;
  store_meta: StoreMetaTable;
}

/** A `runs` row as Kysely selects it. */
export type RunsRow = Selectable<RunsTable>;
/** A `runs` row as inserted. */
export type NewRunsRow = Insertable<RunsTable>;
/** An `operations` row as Kysely selects it (64-bit columns lossy). */
export type OperationsRow = Selectable<OperationsTable>;
/** A `folios` row as Kysely selects it. */
export type FoliosRow = Selectable<FoliosTable>;
