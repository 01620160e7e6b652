import type { DiffSide, RunDiff } from '../../query/index.js';
import { diffRuns } from '../../query/index.js';
import { openStore } from '../../store/index.js';
import type { CliEnv } from '../io.js';
import { fieldText } from '../field-text.js';
import { jsonText } from '../json.js';
import { parseRunId } from '../run-id.js';

/** Options of `foliolog diff`. */
export interface DiffOptions {
  readonly db: string;
  readonly json: boolean;
}

function sideText(label: string, s: DiffSide): string {
  const what = s.source === 'kernel' ? `kernel ${s.release ?? '?'}` : 'model';
  return `${label}: run ${s.run} (${what}, ${s.script}, ${s.status}): ${s.ops} ops`;
}

/** The readable report of a diff. Pure. */
export function diffText(d: RunDiff): string {
  const { a, b } = d.summary;
  const lines = [sideText('a', a), sideText('b', b)];
  if (!a.sameScript) lines.push('note: the runs are of different scripts; compared operation by operation anyway');
  if (d.first === null) {
    lines.push(`equal: all ${a.compared} operations agree`);
    return lines.join('\n');
  }
  lines.push(`first difference: i ${d.first.i}, line ${d.first.line}: ${d.first.op}`);
  for (const [name, [x, y]] of Object.entries(d.first.fields)) {
    lines.push(`  ${name}:`, `    a: ${fieldText(name, x)}`, `    b: ${fieldText(name, y)}`);
  }
  const unmatched = Math.abs(a.ops - b.ops);
  lines.push(`${a.differing} of ${a.compared} compared operations differ${unmatched > 0 ? `; ${unmatched} more in one run only` : ''}`);
  return lines.join('\n');
}

/**
 * `foliolog diff RUN_A RUN_B`: the first operation where two runs part and every field of it
 * that differs (product.md §2's rules), then a summary. JSON: `{equal, first, summary}` on one
 * line; `summary.a`/`summary.b` are `{run, source, script, release, status, ops, compared,
 * differing, sameScript}`.
 * @returns 0 when the runs agree, 1 when they part
 * @throws CliError (exit 2) for a malformed id; StoreError (exit 2) `E_NO_STORE` (a missing or
 *   0-byte file: nothing is created), `E_DAMAGED`, `E_NO_RUN`, `E_INCOMPLETE`
 */
export async function diffCommand(a: string, b: string, opts: DiffOptions, env: CliEnv): Promise<number> {
  const [ia, ib] = [parseRunId(a), parseRunId(b)];
  const store = await openStore(opts.db, 'existing');
  try {
    const d = await diffRuns(store, ia, ib);
    env.stdout.write(`${opts.json ? jsonText(d) : diffText(d)}\n`);
    return d.equal ? 0 : 1;
  } finally {
    await store.close();
  }
}
