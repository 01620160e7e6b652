import type { SqlCell } from '../query/index.js';
import { columns } from './columns.js';

/*
 * How `foliolog query` shows SQL values. NULL is an empty cell (and an unquoted empty CSV field,
 * where an empty string is `""`, as PostgreSQL's CSV does); integers are exact; a blob is its SQL
 * literal, x'0a1b'.
 */

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A cell as text: '' for NULL, digits for integers, x'..' for a blob. Pure. */
export function cellText(v: SqlCell): string {
  if (v === null) return '';
  if (v instanceof Uint8Array) return `x'${Array.from(v, (b) => HEX[b]).join('')}'`;
  return String(v);
}

/** Control characters shown escaped, so a cell stays on its row. Pure. */
function oneLineCell(text: string): string {
  return text.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/**
 * The readable answer: a header row of column names, then one row per result row, in
 * borderless columns (`columns`); newlines, CRs and tabs inside a value are shown as `\n`,
 * `\r`, `\t`. Holds every row in memory (the columns need their widths). Pure.
 *
 * ### Example
 * ```ts
 * sqlTable(['i', 'op'], [[0n, 'mount tmpfs'], [1n, null]]) // 'i  op\n0  mount tmpfs\n1'
 * ```
 */
export function sqlTable(names: readonly string[], rows: Iterable<readonly SqlCell[]>): string {
  const cells: string[][] = [names.map(oneLineCell)];
  for (const row of rows) cells.push(row.map((v) => oneLineCell(cellText(v))));
  return columns(cells);
}

/**
 * One CSV record, without its line end (RFC 4180 quoting): a field holding a comma, a double
 * quote, CR or LF is quoted with its quotes doubled; an empty string is `""`, NULL an empty
 * field. Pure.
 *
 * ### Example
 * ```ts
 * csvRecord(['a,b', 'say "hi"', null, '']) // '"a,b","say ""hi""",,""'
 * ```
 */
export function csvRecord(cells: readonly SqlCell[]): string {
  return cells.map((v) => {
    if (v === null) return '';
    const text = cellText(v);
    return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',');
}
