import {
  type ColumnDataType, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, PostgresAdapter, sql,
} from 'kysely';

/*
 * The one place where the migrations say which engine they run on (issue 13). Not a migration:
 * the migration provider loads only modules that export `up`. Imports only kysely.
 *
 * On SQLite every helper renders exactly what the migrations wrote before it existed, so a
 * fresh SQLite store is byte-identical (test/store/schema-snapshot.test.ts). On PostgreSQL:
 * - no STRICT / WITHOUT ROWID (a PostgreSQL column is typed anyway, and a table has no rowid);
 * - 64-bit integer columns (byte positions and sizes, seqs, digests, pages) are `bigint`, and the
 *   rest stay `integer`; blobs are `bytea`;
 * - `integer primary key autoincrement` becomes an identity column (ids never reused either);
 * - the views' SQLite-only SQL runs through `createView`: the functions they call (iif, instr,
 *   group_concat) are defined once in the store's schema, and the two bits of syntax that differ
 *   are rewritten (`char(N)`, and a subquery in FROM without an alias).
 */

/** True when `db` (a migration's `Kysely<any>`, or a transaction of it) talks to PostgreSQL. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The type of an integer column whose values may pass 2^31: `integer` (SQLite's is 64-bit), `bigint`. */
export function int64(db: Kysely<any>): ColumnDataType {
  return isPostgres(db) ? 'bigint' : 'integer';
}

/** The type of a byte-string column: `blob`, `bytea`. */
export function blob(db: Kysely<any>): ColumnDataType {
  return isPostgres(db) ? 'bytea' : 'blob';
}

/** For `$call`: a table SQLite makes STRICT (nothing elsewhere). */
export function strict(db: Kysely<any>): <T extends CreateTableBuilder<any, any>>(t: T) => T {
  return (t) => (isPostgres(db) ? t : t.modifyEnd(sql`strict`) as typeof t);
}

/** For `$call`: a table SQLite makes WITHOUT ROWID and STRICT (nothing elsewhere). */
export function withoutRowidStrict(db: Kysely<any>): <T extends CreateTableBuilder<any, any>>(t: T) => T {
  return (t) => (isPostgres(db) ? t : t.modifyEnd(sql`without rowid, strict`) as typeof t);
}

/** For `addColumn`'s builder: an integer key that is never reused (AUTOINCREMENT, or an identity). */
export function autoIncrementKey(db: Kysely<any>): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (c) => (isPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
}

/**
 * Create a view from its SQLite text (`create view NAME as ...`), which SQLite keeps as given.
 * On PostgreSQL the text is first made PostgreSQL's (see `postgresView`), and the SQLite
 * functions it calls are defined if they are not yet.
 */
export async function createView(db: Kysely<any>, text: string): Promise<void> {
  if (!isPostgres(db)) {
    await sql.raw(text).execute(db);
    return;
  }
  for (const statement of SQLITE_FUNCTIONS) await sql.raw(statement).execute(db);
  await sql.raw(postgresView(text)).execute(db);
}

/**
 * SQLite's scalar functions and aggregate that the views call, as PostgreSQL functions of the
 * same meaning (`iif` takes values of compatible types, as SQLite mixes integer widths).
 */
const SQLITE_FUNCTIONS: readonly string[] = [
  `create or replace function iif(boolean, anycompatible, anycompatible) returns anycompatible
    language sql immutable as $$ select case when $1 then $2 else $3 end $$`,
  `create or replace function instr(text, text) returns integer
    language sql immutable strict as $$ select strpos($1, $2) $$`,
  `create or replace function group_concat_step(text, text, text) returns text
    language sql immutable as $$ select case when $2 is null then $1 when $1 is null then $2 else $1 || $3 || $2 end $$`,
  `create or replace aggregate group_concat(text, text) (sfunc = group_concat_step, stype = text)`,
];

/**
 * A view's SQLite text as PostgreSQL takes it:
 * - `char(N)` is `chr(N)` (CHAR is a type name there);
 * - PostgreSQL 15 wants an alias on every subquery in FROM: in our views a closing parenthesis
 *   alone on its line, followed by `window` or another such parenthesis, closes one;
 * - a UNION takes its column types from the first branches, so op_summary's `null as i` is
 *   typed (SQLite has no column types to agree on).
 * Pure.
 */
export function postgresView(text: string): string {
  let n = 0;
  return text
    .replace(/\bchar\((\d+)\)/g, 'chr($1)')
    .replace(/\n(\s*)\)(?=\n\s*(?:window\b|\)))/g, (_m, indent: string) => `\n${indent}) as _q${++n}`)
    .replace(' null as i, ', ' cast(null as integer) as i, ');
}
