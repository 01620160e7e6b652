export { APPLICATION_ID } from './_recognize.js';
export type { Clock, RunMeta } from './begin.js';
export {
  CHECKPOINT_INTERVAL, CHECKPOINT_LIVE_FACTOR, applyEvent, checkpointDue, decodeCheckpoint, encodeCheckpoint,
} from './checkpoints.js';
export type { LiveFolio, LiveTable } from './checkpoints.js';
export type {
  CheckpointsTable, CodeNameTable, Database, EventsTable, ExplanationCodesTable, ExplanationsTable, FileKind, FilesTable,
  FoliosRow, FoliosTable, Int64Column, StoreMetaTable, NewRunsRow, NullableInt64Column, OperationsRow, OperationsTable, RunSource, RunStatus, RunsRow, RunsTable,
} from './database.js';
export type { DeletedRun, VacuumResult } from './delete.js';
export type { FolioEventRow, FolioRow } from './explanations.js';
export { StoreError, isStoreError } from './errors.js';
export { FolioLog } from './folio-log.js';
export type { FolioEventRecord, FolioRecord, LogReadCost } from './folio-log.js';
export type { StoreErrorCode } from './errors.js';
export { MIGRATION_FOLDER, createMigrator, loadMigrations } from './migrate.js';
export type { Migrations } from './migrate.js';
export { BUSY_TIMEOUT_MS, openStore } from './open.js';
export { isPostgresUrl, openPostgresStore, shownUrl } from './postgres/index.js';
export { eventHash, pushRuns, runIdentity, storeIdentity } from './push.js';
export type { PushStore, PushedRun } from './push.js';
export { COPY_BATCH_ROWS, RUN_TABLES } from './run-rows.js';
export type { Cell, RunRows, RunRowsReader, RunRowsWriter, RunTable } from './run-rows.js';
export type { OpenMode } from './open.js';
export { eventLine } from './rows.js';
export type {
  BornFolio, EventExtra, EventRow, ExplanationRow, FileInput, JsonValue, OperationInput, OperationRecord, RunRecord, RunTallies,
  StoredEvent,
} from './rows.js';
export type { FileRow } from './positions.js';
export type { SqlCell, SqlRows } from './sql.js';
export { Replay } from './replay.js';
export type { RunMetrics } from './store.js';
export type { CheckpointInfo } from './replay.js';
export { Counters } from './counters.js';
export type { RowDifference } from './runs.js';
export { Store } from './store.js';
export type { LifetimeRow, MarkRow } from './timeline.js';
export { BATCH_EVENTS, BATCH_OPERATIONS, RunWriter } from './writer.js';
export type { RunProgress, RunSummary, WriterOptions } from './writer.js';
