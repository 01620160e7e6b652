export { main } from './main.js';
export type { CliEnv, Output } from './io.js';
export { CliError } from './errors.js';
export { recorderFor, runMeta } from './recording.js';
export { recordKernelRun } from './commands/kernel.js';
export type { KernelRecording } from './commands/kernel.js';
