import type { Observation } from './observation.js';
import { readJson } from './_json.js';
import { decodeObservation } from './_observation.js';

export { formatCommand } from './_format-command.js';

/**
 * Print an observation as product.md §2's one-line JSON object: keys in the order i, line, task (prefixed lines only),
 * op, ret, folios, stats, size, blocks, then data and blind when present; bigints as exact
 * bare integers; no spaces. `stats` keys print in the order the producer inserted them. Pure.
 *
 * ### Example
 * ```ts
 * formatObservation({ i: 0, line: 1, op: 'truncate 2m', ret: 0n, folios: [], stats: {}, size: 2097152n, blocks: 0n });
 * // '{"i":0,"line":1,"op":"truncate 2m","ret":0,"folios":[],"stats":{},"size":2097152,"blocks":0}'
 * ```
 */
export function formatObservation(o: Observation): string {
  const ret = typeof o.ret === 'bigint' ? o.ret.toString() : JSON.stringify(o.ret);
  const parts = [
    `"i":${o.i}`,
    `"line":${o.line}`,
    ...(o.task === undefined ? [] : [`"task":${JSON.stringify(o.task)}`]),
    `"op":${JSON.stringify(o.op)}`,
    `"ret":${ret}`,
    `"folios":${JSON.stringify(o.folios)}`,
    `"stats":${JSON.stringify(o.stats)}`,
    `"size":${o.size}`,
    `"blocks":${o.blocks}`,
  ];
  if (o.data !== undefined) parts.push(`"data":${JSON.stringify(o.data)}`);
  if (o.blind !== undefined) parts.push(`"blind":${JSON.stringify(o.blind)}`);
  return `{${parts.join(',')}}`;
}

/**
 * Read back one line that `formatObservation` (or `foliolog kernel --json`) printed, keeping
 * `ret`, `size` and `blocks` exact past 2^53. Keys may come in any order. Pure.
 *
 * @throws SyntaxError on malformed JSON, a duplicated, missing or unknown key, or a value
 *   of the wrong type (a fraction, a count past 2^53, uptodate other than 0/1)
 */
export function parseObservation(line: string): Observation {
  return decodeObservation(readJson(line));
}
