import { describe, it, expect } from 'vitest';
import { transition } from 'xstate';
import { FINAL_FOLIO_STATES, FOLIO_MACHINE_EVENT_TYPES, folioMachine } from '../../machines/folio.machine.js';
import type { FolioCause, FolioState } from '../../machines/folio.machine.js';
import { CELLS, ILLEGAL, LIFECYCLE, RESIDENT, born, event, reach, step } from './_folio-lifecycle.js';

describe('folioMachine birth', () => {
  it.each<[FolioCause, FolioState]>([
    ['alloc', 'allocated'],
    ['split', 'allocated'],
    ['collapse', 'collapsed'],
  ])('starts a folio born by %s in %s', (cause, state) => {
    const snapshot = born(cause);
    expect(snapshot.value).toBe(state);
    expect(snapshot.status).toBe('active');
    expect(snapshot.context).toEqual({ cause });
  });
});

describe('folioMachine transitions', () => {
  it.each(CELLS)('%s + %s → %s', (from, type, to) => {
    const snapshot = reach(from);
    expect(snapshot.value).toBe(from);
    expect(snapshot.can(event(type))).toBe(to !== ILLEGAL);
    if (to !== ILLEGAL) expect(transition(folioMachine, snapshot, event(type))[0].value).toBe(to);
  });

  it('refuses a second folio_reclaim_marked', () => {
    const marked = step(born('alloc'), ['folio_reclaim_marked']);
    expect(marked.can(event('folio_reclaim_marked'))).toBe(false);
  });

  it.each(RESIDENT)('refuses folio_reclaim_cleared in %s, which is not on the reclaim list', (state) => {
    expect(reach(state).can(event('folio_reclaim_cleared'))).toBe(false);
  });

  it.each(FINAL_FOLIO_STATES)('refuses every event once the folio is %s', (state) => {
    const snapshot = reach(state);
    expect(snapshot.status).toBe('done');
    expect(FOLIO_MACHINE_EVENT_TYPES.filter((type) => snapshot.can(event(type)))).toEqual([]);
  });

  it('leaves the snapshot unchanged on a refused event, so callers must check can() first', () => {
    const freed = reach('freed');
    expect(transition(folioMachine, freed, event('folio_marked_uptodate'))[0].value).toBe('freed');
  });

  it('keeps a reclaim candidate on the list when the EOF shrinker fails to split it', () => {
    const pinned = step(born('alloc'), ['folio_reclaim_marked', 'folio_split_failed', 'folio_split_failed']);
    expect(pinned.value).toBe('reclaim-candidate');
    expect(pinned.can(event('folio_reclaim_cleared'))).toBe(true);
  });

  it.each(RESIDENT)('returns a folio marked in %s to allocated when the mark is cleared', (state) => {
    const cleared = step(reach(state), ['folio_reclaim_marked', 'folio_reclaim_cleared']);
    expect(cleared.value).toBe('allocated');
  });

  it('gives the resident states the same targets for every event but the self-loops (uptodate flag, pins)', () => {
    const LOOPS: readonly string[] = ['folio_marked_uptodate', 'folio_uptodate_cleared', 'folio_pinned', 'folio_unpinned'];
    const row = (state: FolioState) => FOLIO_MACHINE_EVENT_TYPES.filter((t) => !LOOPS.includes(t))
      .map((type) => {
        const snapshot = reach(state);
        return snapshot.can(event(type)) ? transition(folioMachine, snapshot, event(type))[0].value : ILLEGAL;
      });
    for (const state of RESIDENT) expect(row(state), state).toEqual(row('allocated'));
    for (const state of RESIDENT) for (const loop of LOOPS) expect(LIFECYCLE[state][loop as 'folio_pinned']).toBe(state);
  });
});
