export { diffObservations, diffRuns } from './diff.js';
export type { DiffSide, FirstDifference, RunDiff } from './diff.js';
export { runObservations } from './observations.js';
