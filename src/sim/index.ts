export { simulate, simulateText } from './simulate.js';
export { Simulation } from './simulation.js';
export type { SimFailure, SimOptions, SimResult, SimScript } from './simulation.js';
export { firstUnsupportedLine } from './support.js';
export { KernelInference, inferKernelRun } from './infer.js';
export type {
  EventExtra, EventRecord, ExplanationRecord, FileRecord, OperationFacts, OperationRecord, RunRecorder,
} from './recorder.js';
export { unwrittenData } from './holes-as-data.js';
export { DecisionLog } from './decision-log.js';
export { OracleError } from './oracle.js';
export type { CheckName } from './oracle.js';
export { BENCH_MIX, mixLines, mixProgram, mixText, take } from './mix.js';
export type { MixOptions } from './mix.js';
export { PCT_DEPTH, PctScheduler, RandomScheduler, ReplayScheduler } from './scheduler.js';
export type { SchedKind, Scheduler } from './scheduler.js';
