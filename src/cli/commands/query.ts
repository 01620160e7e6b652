import { type SqlRows, sqlQuery } from '../../query/index.js';
import { cellText, csvRecord, sqlTable } from '../../report/index.js';
import { type SqlCell, isStoreError, openStore } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv, Output } from '../io.js';
import { jsonText } from '../json.js';

/** Options of `foliolog query`. */
export interface QueryOptions {
  readonly db: string;
  readonly json: boolean;
  readonly csv: boolean;
}

/** Output is written in pieces of about this many characters, so a large answer is never one string. */
const CHUNK = 1 << 16;

/** A store refusal of the user's SQL as the command's one-line error (exit 2); anything else unchanged. */
function refusal(e: unknown): unknown {
  if (isStoreError(e, 'E_NOT_READ_ONLY') || isStoreError(e, 'E_SQL')) return new CliError(`query: ${e.message}`, { cause: e });
  return e;
}

/** Write `lines`, each followed by `end`, in pieces of about CHUNK characters. */
function writeChunked(out: Output, lines: Iterable<string>, end: string): void {
  let buf = '';
  for (const line of lines) {
    buf += line + end;
    if (buf.length >= CHUNK) { out.write(buf); buf = ''; }
  }
  if (buf !== '') out.write(buf);
}

/** `[{"col":value,...},...]` on one line, a row at a time; integers exact, blobs as x'..' text. */
function* jsonPieces({ columns, rows }: SqlRows): Iterable<string> {
  const keys = columns.map((c) => `${JSON.stringify(c)}:`);
  const value = (v: SqlCell): string => jsonText(v instanceof Uint8Array ? cellText(v) : v);
  let first = true;
  yield '[';
  for (const row of rows) {
    yield `${first ? '' : ','}{${row.map((v, k) => keys[k] + value(v)).join(',')}}`;
    first = false;
  }
  yield ']\n';
}

function* csvLines({ columns, rows }: SqlRows): Iterable<string> {
  yield csvRecord(columns);
  for (const row of rows) yield csvRecord(row);
}

/**
 * `foliolog query "SQL" [--csv] [--json]`: one read-only SQL statement over the store (tables
 * and the views the README documents). The store is opened read-only (SQLite refuses writes) and
 * a statement that could write, open another file or change a setting is refused before it runs;
 * so is more than one statement. Output: a readable table; `--json` one JSON array of row
 * objects on one line (64-bit integers exact; a repeated column name is repeated as a key);
 * `--csv` a header line, then one line per row (RFC 4180 quoting, LF line ends).
 * @returns 0
 * @throws CliError (exit 2): `query: only read-only statements are allowed (...)`, `query:
 *   SQLITE'S MESSAGE`, both output flags; StoreError (exit 2) `E_NO_STORE`, `E_NEEDS_MIGRATION`,
 *   `E_DAMAGED`, `E_FOREIGN`, `E_NEWER`
 *
 * ### Example
 * ```sh
 * foliolog query "select i, op, folios_by_order from op_summary where run_id = 1" --csv
 * ```
 */
export async function queryCommand(text: string, opts: QueryOptions, env: CliEnv): Promise<number> {
  if (opts.json && opts.csv) throw new CliError('query: choose one of --json and --csv');
  const store = await openStore(opts.db, 'readonly');
  try {
    const answer = sqlQuery(store, text);
    if (opts.json) writeChunked(env.stdout, jsonPieces(answer), '');
    else if (opts.csv) writeChunked(env.stdout, csvLines(answer), '\n');
    else env.stdout.write(`${sqlTable(answer.columns, answer.rows)}\n`);
    return 0;
  } catch (e) {
    throw refusal(e);
  } finally {
    await store.close();
  }
}
