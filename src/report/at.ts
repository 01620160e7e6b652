import type { AtResult } from '../query/index.js';
import { columns } from './columns.js';
import { countersText } from './table.js';

/** Where an `at` answer stands: the operation it follows or is inside. */
export interface AtPlace {
  readonly line: number;
  readonly op: string;
  /** True when the target is the operation's last event (`@OP`, or a SEQ that ends it). */
  readonly after: boolean;
}

/**
 * The readable answer of `foliolog at`: where it stands, one row per live folio (pgoff, order,
 * uptodate, state, pins), then the pages they hold and the counters so far. Pure.
 */
export function atText(r: AtResult, place: AtPlace | undefined): string {
  const where = place === undefined ? 'before the first operation'
    : `${place.after ? 'after' : 'during'} i ${r.i} (line ${place.line}: ${place.op})`;
  const head = `run ${r.run}, seq ${r.seq}, ${where}; file ${r.file ?? '(none)'}`;
  const rows = [['pgoff', 'order', 'uptodate', 'state', 'pinned']];
  r.folios.forEach(([pgoff, order, up], k) => rows.push([String(pgoff), String(order), String(up), r.states[k] ?? '?', String(r.pinned[k] ?? 0)]));
  const table = r.folios.length > 0 ? columns(rows) : '(no folios)';
  return `${head}\n${table}\n${r.folios.length} folios, ${r.resident} resident pages\ncounters: ${countersText(r.stats) || '(none)'}`;
}
