export { openPostgresStore } from './open.js';
export { PostgresRunRows } from './run-rows.js';
export { isPostgresUrl, shownUrl } from './url.js';
export { PostgresEngine } from './engine.js';
