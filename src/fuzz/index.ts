export { MIXES, isMixName, mixOps, randomScript } from './generate.js';
export type { MixName } from './generate.js';
export { shrinkLines } from './delta.js';
export { raceScript } from './race.js';
export type { RaceOptions } from './race.js';
export { failsAs, trial } from './trial.js';
export type { FailureKind, Trial, TrialSched } from './trial.js';
export { reproSize, shrinkRepro } from './shrink.js';
export type { Repro, Shrunk } from './shrink.js';
export { Fuzzer, schedOfSeed } from './fuzz.js';
export { Sweep } from './sweep.js';
export type { FuzzFound, FuzzOptions } from './fuzz.js';
export {
  BALLOON_OPTIONS, DBPOOL_OPTIONS, MTHP_SIZES, OptionError, SEED_MAX, SPARSE_OPTIONS, WORKLOADS, balloonScript, dbpoolScript, defaultOptions,
  sparseScript, workloadNamed,
} from './workloads/index.js';
export type {
  BalloonOptions, DbpoolOptions, Fallback, Generated, MthpSize, OptionSpec, OptionSpecs, SparseOptions, Workload, WorkloadOption,
} from './workloads/index.js';
