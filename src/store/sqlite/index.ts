export { SqliteRunRows } from './run-rows.js';
