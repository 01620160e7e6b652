import { type OpenMode, openStore } from './open.js';
import { type PostgresStore, isPostgresUrl, openPostgresStore } from './postgres/index.js';
import type { Store } from './store.js';

/** A store of either backend: a SQLite file, or a PostgreSQL database. */
export type AnyStore = Store | PostgresStore;

/**
 * Open the store `db` names in `mode`: a `postgres://` or `postgresql://` URL opens a
 * PostgreSQL store (`openPostgresStore`), anything else a SQLite file (`openStore`). For the
 * commands that work on both so far (`runs`, `push`).
 * @throws StoreError as `openStore` and `openPostgresStore` do.
 *
 * ### Example
 * ```ts
 * const store = await openAnyStore(process.env.FOLIOLOG_DB ?? './foliolog.db', 'existing')
 * ```
 */
export function openAnyStore(db: string, mode: OpenMode): Promise<AnyStore> {
  return isPostgresUrl(db) ? openPostgresStore(db, mode) : openStore(db, mode);
}
