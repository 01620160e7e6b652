export { AtError, at } from './at.js';
export type { AtFilter, AtResult, AtTarget } from './at.js';
export { diffRuns } from './diff.js';
export type { DiffSide, FirstDifference, RunDiff } from './diff.js';
export { runObservations, toObservation } from './observations.js';
export { foliosOfFile, triples, walkOperations } from './reader.js';
export { sqlQuery } from './sql.js';
export type { SqlCell, SqlRows } from './sql.js';
export type { OperationState } from './reader.js';
