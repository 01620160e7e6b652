export { AtError, at } from './at.js';
export type { AtFilter, AtResult, AtTarget } from './at.js';
export { diffRuns } from './diff.js';
export type { DiffSide, FirstDifference, RunDiff } from './diff.js';
export { HistoryError, history } from './history.js';
export type { FolioSummary, HistoryResult, HistoryRow, HistoryTarget } from './history.js';
export { runObservations, toObservation } from './observations.js';
export { foliosOfFile, triples, walkOperations } from './reader.js';
export { sqlQuery } from './sql.js';
export type { SqlCell, SqlRows } from './sql.js';
export type { OperationState } from './reader.js';
export { ExplainError, KERNEL_NOTE, UNEXPLAINED_NOTE, explain } from './explain.js';
export type {
  AllocationExplanation, AllocationSettings, CollapseExplanation, ExplainResult, FolioRef, OrderStage, PinTaker,
  SplitExplanation, TriedOrder,
} from './explain-result.js';
export { STATE_NAMES, readTimeline } from './timeline.js';
export type { Lifetime, MarkKind, Timeline, TimelineOp } from './timeline.js';
