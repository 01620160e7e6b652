export { atText } from './at.js';
export type { AtPlace } from './at.js';
export { columns } from './columns.js';
export { historyText, idsText } from './history.js';
export { explainText } from './explain.js';
export { layoutText } from './layout.js';
export { cellText, csvRecord, sqlTable } from './sql.js';
export { countersText, ObservationTable, runsTable, statsText } from './table.js';
export type { RunListRow } from './table.js';
