import { PG_SKIP, type PgCluster, usePostgres } from './_pg.js';

/*
 * One store suite, two backends: the files that call `useBackend()` open their stores through
 * `storeAt`, which gives a temporary SQLite file, or — in Vitest's `store-pg` project, which sets
 * FOLIOLOG_TEST_BACKEND=postgres — a fresh database of a throwaway PostgreSQL cluster started
 * for the file. What only one engine has (a file's size, SQLite's query plans) is tested on that
 * engine alone (`onPostgres`).
 */

/** The backend this run of the suite tests. */
export const BACKEND: 'sqlite' | 'postgres' = process.env.FOLIOLOG_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** True in the suite's PostgreSQL run. */
export const onPostgres = BACKEND === 'postgres';

let cluster: PgCluster | undefined;

/** Call at the top level of a test file of the two-backend suite: starts its cluster on PostgreSQL. */
export function useBackend(): void {
  if (!onPostgres) return;
  if (PG_SKIP !== undefined) throw new Error(PG_SKIP);
  cluster = usePostgres();
}

/** Where a fresh store goes: the SQLite file `path`, or a fresh PostgreSQL database's URL. */
export async function storeAt(path: string): Promise<string> {
  return onPostgres ? cluster!.database() : path;
}
