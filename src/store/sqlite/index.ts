export { SqliteRunRows } from './run-rows.js';
export { SqliteEngine } from './engine.js';
