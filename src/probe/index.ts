export { buildProbe, hasCompiler } from './build.js';
export type { BuildResult } from './build.js';
export { ProbeError } from './errors.js';
export type { ProbeErrorCode } from './errors.js';
export { checkKernelPreconditions } from './preconditions.js';
export type { Preconditions } from './preconditions.js';
export { runOnKernel } from './run.js';
export type { KernelRun, RunOnKernelOptions } from './run.js';
