export { layoutText } from './layout.js';
export { observationTable, runsTable, statsText } from './table.js';
export type { RunListRow } from './table.js';
