export { atText } from './at.js';
export type { AtPlace } from './at.js';
export { columns } from './columns.js';
export { explainText } from './explain.js';
export { layoutText } from './layout.js';
export { countersText, observationTable, runsTable, statsText } from './table.js';
export type { RunListRow } from './table.js';
