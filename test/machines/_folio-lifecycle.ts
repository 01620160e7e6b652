// Shared by the folio machine and folio table tests: the lifecycle written out, and helpers.
import { expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { FolioId } from '../../src/model/units.js';
import { FOLIO_MACHINE_EVENT_TYPES, FOLIO_STATE_CODES, folioMachine } from '../../machines/folio.machine.js';
import type {
  FolioCause,
  FolioMachine,
  FolioMachineEvent,
  FolioMachineEventType,
  FolioState,
} from '../../machines/folio.machine.js';

/** A folio machine snapshot. */
export type Snapshot = SnapshotFrom<FolioMachine>;
/** A refused event, in LIFECYCLE cells. */
export const ILLEGAL = '—';
/** A LIFECYCLE cell: the next state, or ILLEGAL. */
export type Cell = FolioState | typeof ILLEGAL;

/** The folio lifecycle, written out: LIFECYCLE[from][event] is the next state, or `—` when refused. */
export const LIFECYCLE: Record<FolioState, Record<FolioMachineEventType, Cell>> = {
  allocated: {
    folio_marked_uptodate: 'allocated', folio_zeroed: 'partially-punched', folio_split: 'split',
    folio_split_failed: 'split-failed', folio_reclaim_marked: 'reclaim-candidate', folio_reclaim_cleared: '—',
    folio_removed: 'freed', folio_collapsed: 'collapsed-into', folio_pinned: 'allocated', folio_unpinned: 'allocated',
    folio_uptodate_cleared: 'allocated',
  },
  'partially-punched': {
    folio_marked_uptodate: 'partially-punched', folio_zeroed: 'partially-punched', folio_split: 'split',
    folio_split_failed: 'split-failed', folio_reclaim_marked: 'reclaim-candidate', folio_reclaim_cleared: '—',
    folio_removed: 'freed', folio_collapsed: 'collapsed-into', folio_pinned: 'partially-punched', folio_unpinned: 'partially-punched',
    folio_uptodate_cleared: 'partially-punched',
  },
  'split-failed': {
    folio_marked_uptodate: 'split-failed', folio_zeroed: 'partially-punched', folio_split: 'split',
    folio_split_failed: 'split-failed', folio_reclaim_marked: 'reclaim-candidate', folio_reclaim_cleared: '—',
    folio_removed: 'freed', folio_collapsed: 'collapsed-into', folio_pinned: 'split-failed', folio_unpinned: 'split-failed',
    folio_uptodate_cleared: 'split-failed',
  },
  'reclaim-candidate': {
    folio_marked_uptodate: 'reclaim-candidate', folio_zeroed: 'partially-punched', folio_split: 'split',
    folio_split_failed: 'reclaim-candidate', folio_reclaim_marked: '—', folio_reclaim_cleared: 'allocated',
    folio_removed: 'freed', folio_collapsed: 'collapsed-into', folio_pinned: 'reclaim-candidate', folio_unpinned: 'reclaim-candidate',
    folio_uptodate_cleared: 'reclaim-candidate',
  },
  collapsed: {
    folio_marked_uptodate: 'collapsed', folio_zeroed: 'partially-punched', folio_split: 'split',
    folio_split_failed: 'split-failed', folio_reclaim_marked: 'reclaim-candidate', folio_reclaim_cleared: '—',
    folio_removed: 'freed', folio_collapsed: 'collapsed-into', folio_pinned: 'collapsed', folio_unpinned: 'collapsed',
    folio_uptodate_cleared: 'collapsed',
  },
  split: {
    folio_marked_uptodate: '—', folio_zeroed: '—', folio_split: '—', folio_split_failed: '—',
    folio_reclaim_marked: '—', folio_reclaim_cleared: '—', folio_removed: '—', folio_collapsed: '—',
    folio_pinned: '—', folio_unpinned: '—', folio_uptodate_cleared: '—',
  },
  freed: {
    folio_marked_uptodate: '—', folio_zeroed: '—', folio_split: '—', folio_split_failed: '—',
    folio_reclaim_marked: '—', folio_reclaim_cleared: '—', folio_removed: '—', folio_collapsed: '—',
    folio_pinned: '—', folio_unpinned: '—', folio_uptodate_cleared: '—',
  },
  'collapsed-into': {
    folio_marked_uptodate: '—', folio_zeroed: '—', folio_split: '—', folio_split_failed: '—',
    folio_reclaim_marked: '—', folio_reclaim_cleared: '—', folio_removed: '—', folio_collapsed: '—',
    folio_pinned: '—', folio_unpinned: '—', folio_uptodate_cleared: '—',
  },
};

/** A shortest way to reach each state: the birth cause and the events after it. */
export const ROUTES: Record<FolioState, readonly [FolioCause, readonly FolioMachineEventType[]]> = {
  allocated: ['alloc', []],
  'partially-punched': ['alloc', ['folio_zeroed']],
  'split-failed': ['alloc', ['folio_split_failed']],
  'reclaim-candidate': ['alloc', ['folio_reclaim_marked']],
  collapsed: ['collapse', []],
  split: ['alloc', ['folio_split']],
  freed: ['alloc', ['folio_removed']],
  'collapsed-into': ['alloc', ['folio_collapsed']],
};

/** Every state, in state-code order. */
export const STATES = Object.keys(LIFECYCLE) as FolioState[];
/** Every birth cause. */
export const CAUSES: readonly FolioCause[] = ['alloc', 'split', 'collapse'];
/** The live states that are not on the reclaim list. */
export const RESIDENT: readonly FolioState[] = ['allocated', 'partially-punched', 'split-failed', 'collapsed'];
const FOLIO = 7 as FolioId;

/** An event of `type` about one folio. */
export function event(type: FolioMachineEventType): FolioMachineEvent {
  switch (type) {
    case 'folio_zeroed':
    case 'folio_uptodate_cleared':
      return { type, folio: FOLIO, index: 3 };
    case 'folio_split':
      return { type, folio: FOLIO, order: 2 };
    case 'folio_collapsed':
      return { type, folio: FOLIO, into: 8 as FolioId };
    case 'folio_pinned':
    case 'folio_unpinned':
      return { type, folio: FOLIO, pins: 1 };
    default:
      return { type, folio: FOLIO };
  }
}

/** The snapshot of a folio just born by `cause`. */
export function born(cause: FolioCause): Snapshot {
  return initialTransition(folioMachine, { cause })[0];
}

/** Steps XState through `types`, failing on any event the machine refuses. */
export function step(snapshot: Snapshot, types: readonly FolioMachineEventType[]): Snapshot {
  return types.reduce((s, type) => {
    expect(s.can(event(type)), `${String(s.value)} + ${type}`).toBe(true);
    return transition(folioMachine, s, event(type))[0];
  }, snapshot);
}

/** A snapshot in `state`, reached by its ROUTE. */
export function reach(state: FolioState): Snapshot {
  const [cause, types] = ROUTES[state];
  return step(born(cause), types);
}

/** Stored state code of a snapshot. */
export function code(snapshot: Snapshot): number {
  return FOLIO_STATE_CODES[snapshot.value as FolioState];
}

/** Every (from, event, to) cell of LIFECYCLE, for `it.each`. */
export const CELLS = STATES.flatMap((from) =>
  FOLIO_MACHINE_EVENT_TYPES.map((type) => [from, type, LIFECYCLE[from][type]] as const),
);
