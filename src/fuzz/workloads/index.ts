export { defaultOptions } from './options.js';
export type { OptionSpec, OptionSpecs } from './options.js';
export { BALLOON_OPTIONS, MTHP_SIZES, balloonScript } from './balloon.js';
export type { BalloonOptions, MthpSize } from './balloon.js';
export { DBPOOL_OPTIONS, dbpoolScript } from './dbpool.js';
export type { DbpoolOptions } from './dbpool.js';
export { SPARSE_OPTIONS, sparseScript } from './sparse.js';
export type { SparseOptions } from './sparse.js';
