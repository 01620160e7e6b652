export { openPostgresStore } from './open.js';
export { PostgresRunRows } from './run-rows.js';
export { PostgresStore } from './store.js';
export { isPostgresUrl, shownUrl } from './url.js';
