/**
 * What a split leaves in the recorded run (the rows the store writes): every piece is born
 * with its parent's folio id, the parent ends in `split`, and the lifecycle states a punch,
 * a failed split and the EOF shrinker go through (`partially-punched`, `split-failed`,
 * `reclaim-candidate`) are reached by real paths.
 */
import { describe, expect, it } from 'vitest';
import { FOLIO_STATE_CODES } from '../../machines/index.js';
import type { FolioState } from '../../machines/index.js';
import { EVENT_CODES } from '../../src/model/index.js';
import type { ModelEventType } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import type { EventExtra, EventRecord, RunRecorder } from '../../src/sim/index.js';
import { simulate } from '../../src/sim/index.js';

const EVENT_NAMES = new Map<number, ModelEventType>(Object.entries(EVENT_CODES).map(([k, v]) => [v, k as ModelEventType]));
const STATE_NAMES = new Map<number, FolioState>(Object.entries(FOLIO_STATE_CODES).map(([k, v]) => [v, k as FolioState]));

interface FolioRow {
  readonly id: number;
  readonly pgoff: number;
  readonly order: number;
  readonly parent: number | null;
  /** Event name → state after it, in order. */
  readonly history: Array<[ModelEventType, FolioState | undefined]>;
}

/** Record a script's folio rows and their event histories, as the store would. */
function record(text: string): Map<number, FolioRow> {
  const rows = new Map<number, FolioRow>();
  const recorder: RunRecorder = {
    file: () => undefined,
    event: (row: EventRecord, extra?: EventExtra) => {
      if (row.folio === null) return;
      if (extra?.born) rows.set(row.folio, { id: row.folio, pgoff: extra.born.pgoff, order: extra.born.order, parent: extra.born.parent, history: [] });
      rows.get(row.folio)!.history.push([EVENT_NAMES.get(row.event)!, row.to === null ? undefined : STATE_NAMES.get(row.to)]);
    },
    operation: () => undefined,
  };
  const r = simulate(parseScript(text, 'lineage.fl'), { recorder });
  expect(r.failure).toBeUndefined();
  return rows;
}

describe('split lineage in the recorded run', () => {
  it('names the parent of every piece of a punch 64K@1M, through both splits', () => {
    const rows = record('mount tmpfs huge=always\npwrite 0 2m\nfpunch 1m 64k\n');
    const pmd = [...rows.values()].find((f) => f.order === 9)!;
    expect(pmd.parent).toBeNull();
    expect(pmd.history.map(([e, s]) => `${e}→${s}`)).toEqual([
      'folio_added→allocated', 'folio_marked_uptodate→allocated', 'folio_zeroed→partially-punched', 'folio_split→split',
    ]);
    const first = [...rows.values()].filter((f) => f.parent === pmd.id).map((f) => `${f.pgoff}:${f.order}`);
    expect(first).toEqual(['0:8', '256:0', '257:0', '258:1', '260:2', '264:3', '272:4', '288:5', '320:6', '384:7']);
    const p2 = [...rows.values()].find((f) => f.parent === pmd.id && f.pgoff === 272)!;
    expect(p2.history.at(-1)).toEqual(['folio_split', 'split']);
    const second = [...rows.values()].filter((f) => f.parent === p2.id).map((f) => `${f.pgoff}:${f.order}`);
    expect(second).toEqual(['272:0', '273:0', '274:1', '276:2', '280:3']);
    // The pieces wholly inside the punched range were born, then freed by the rescan.
    for (const f of rows.values()) {
      const inRange = f.pgoff >= 256 && f.pgoff + 2 ** f.order <= 272;
      if (f.parent !== null && inRange) expect(f.history.at(-1)).toEqual(['folio_removed', 'freed']);
    }
  });

  it('takes the EOF folio from reclaim-candidate to split on reclaim, its pieces past EOF freed', () => {
    const rows = record('mount tmpfs huge=always\npwrite 0 4k\nreclaim\n');
    const pmd = [...rows.values()].find((f) => f.order === 9)!;
    expect(pmd.history.map(([e, s]) => `${e}→${s}`)).toEqual([
      'folio_added→allocated', 'folio_marked_uptodate→allocated', 'folio_reclaim_marked→reclaim-candidate', 'folio_split→split',
    ]);
    const pieces = [...rows.values()].filter((f) => f.parent === pmd.id);
    expect(pieces).toHaveLength(512);
    expect(pieces.filter((f) => f.history.at(-1)![1] !== 'freed').map((f) => f.pgoff)).toEqual([0]);
  });

  it('takes a zeroed reclaim candidate to partially-punched without a reclaim_cleared event', () => {
    const rows = record('mount tmpfs huge=always\npwrite 0 4k\nfpunch 100 10\n');
    const pmd = [...rows.values()].find((f) => f.order === 9)!;
    expect(pmd.history.map(([e]) => e)).toEqual([
      'folio_added', 'folio_marked_uptodate', 'folio_reclaim_marked', 'folio_zeroed', 'folio_split',
    ]);
  });

  it('leaves a pinned folio in split-failed after a failed punch', () => {
    const rows = record('mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 0 4k\nfpunch 1m 64k\n');
    const pmd = [...rows.values()].find((f) => f.order === 9)!;
    expect(pmd.history.slice(-2)).toEqual([['folio_zeroed', 'partially-punched'], ['folio_split_failed', 'split-failed']]);
  });
});
