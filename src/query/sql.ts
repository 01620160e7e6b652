import type { SqlRows, Store } from '../store/index.js';

export type { SqlCell, SqlRows } from '../store/index.js';

/**
 * `foliolog query "SQL"`: one read-only statement over the store, tables and the documented
 * views alike (README "The store (for SQL users)"). The store refuses, before running it, a
 * statement that could write, open another file or change a setting; open the store with
 * `openStore(path, 'readonly')` so that SQLite refuses writes too. Integers come back exact as
 * `bigint`; iterate the rows before closing the store. Sync.
 * @throws StoreError `E_NOT_READ_ONLY`, `E_SQL` (SQLite's message), `E_DAMAGED`
 *
 * ### Example
 * ```ts
 * const store = await openStore('foliolog.db', 'readonly')
 * const { columns, rows } = sqlQuery(store, 'select folio, pins, pin_op from split_failures where run_id = 1')
 * console.log(columns, [...rows]) // ['folio', 'pins', 'pin_op'] [[1n, 1n, 'pin 1m 4k']]
 * await store.close()
 * ```
 */
export function sqlQuery(store: Store, text: string): SqlRows {
  return store.query(text);
}
