export { defaultOptions } from './options.js';
export type { OptionSpec, OptionSpecs } from './options.js';
