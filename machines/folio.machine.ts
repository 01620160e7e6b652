import { setup } from 'xstate';
import type { FolioEvent } from '../src/model/index.js';

/** How a folio entered the page cache: the `cause` of its `folio_added` event. */
export type FolioCause = Extract<FolioEvent, { readonly type: 'folio_added' }>['cause'];

/** The events the folio machine takes: every folio event except `folio_added`, which is its birth. */
export type FolioMachineEvent = Exclude<FolioEvent, { readonly type: 'folio_added' }>;

/** Type names of {@link FolioMachineEvent}. */
export type FolioMachineEventType = FolioMachineEvent['type'];

/** Input of {@link folioMachine}: the cause of the birth. */
export interface FolioMachineInput {
  readonly cause: FolioCause;
}

/** Context of {@link folioMachine}. Flags (uptodate, dirty, pinned) live in the model, not here. */
export interface FolioMachineContext {
  readonly cause: FolioCause;
}

/**
 * Stored integer code of each folio state (the store's lookup table). 0 is never a state: the
 * compiled table uses it for "illegal". Frozen: codes are part of the store format.
 */
export const FOLIO_STATE_CODES = Object.freeze({
  allocated: 1,
  'partially-punched': 2,
  'split-failed': 3,
  'reclaim-candidate': 4,
  collapsed: 5,
  split: 6,
  freed: 7,
  'collapsed-into': 8,
});

/** A folio lifecycle state. */
export type FolioState = keyof typeof FOLIO_STATE_CODES;

/** Stored integer code of a {@link FolioState}, 1…8. */
export type FolioStateCode = (typeof FOLIO_STATE_CODES)[FolioState];

/** States that say how a folio ended; they accept no event. */
export const FINAL_FOLIO_STATES: readonly FolioState[] = Object.freeze(['split', 'freed', 'collapsed-into']);

// A record, not an array, so the compiler rejects a missing or extra event type.
const EVENT_TYPE_SET: Readonly<Record<FolioMachineEventType, true>> = {
  folio_marked_uptodate: true,
  folio_zeroed: true,
  folio_split: true,
  folio_split_failed: true,
  folio_reclaim_marked: true,
  folio_reclaim_cleared: true,
  folio_removed: true,
  folio_collapsed: true,
  folio_pinned: true,
  folio_unpinned: true,
  folio_uptodate_cleared: true,
};

/** Every {@link FolioMachineEventType}, in the order given above (that of `EVENT_CODES`). */
export const FOLIO_MACHINE_EVENT_TYPES: readonly FolioMachineEventType[] = Object.freeze(
  Object.keys(EVENT_TYPE_SET) as FolioMachineEventType[],
);

/** Leaving transitions every live state takes the same way. */
const LIVE_EXITS = {
  folio_zeroed: { target: 'partially-punched' },
  folio_split: { target: 'split' },
  folio_removed: { target: 'freed' },
  folio_collapsed: { target: 'collapsed-into' },
} as const;

/**
 * The events a live state takes without leaving it: uptodate and the pin count are flags the
 * model keeps (a pin changes no state; the split it makes fail does). XState's `can()` says
 * false for a transition without target or actions, so each names its own state.
 */
function loops<S extends string>(state: S) {
  return {
    folio_marked_uptodate: { target: state },
    folio_pinned: { target: state },
    folio_unpinned: { target: state },
    folio_uptodate_cleared: { target: state },
  } as const;
}

/** Transitions of the four live states that are not on the reclaim list. */
const RESIDENT_EXITS = {
  ...LIVE_EXITS,
  folio_split_failed: { target: 'split-failed' },
  folio_reclaim_marked: { target: 'reclaim-candidate' },
} as const;

/**
 * The lifecycle of one shmem folio, from its `folio_added` to the event that ends it.
 *
 * Start it with `input: { cause }`: a folio born by a collapse starts in `collapsed`, one
 * allocated or born as a split piece in `allocated` (through the transient `born` state).
 * `folio_marked_uptodate`, `folio_pinned` and `folio_unpinned` are self-transitions in every
 * live state (uptodate and pins are flags of the model). `folio_reclaim_marked` is refused in `reclaim-candidate`: marking twice is a simulator bug.
 *
 * `folio_reclaim_cleared` always returns to `allocated`, not to the state the folio was marked
 * in. The machine stays a pure function of (state, event), so the compiled table is exact;
 * no later event changes legality, because `allocated`, `partially-punched`, `split-failed` and
 * `collapsed` accept the same events with the same targets, except that `folio_marked_uptodate`
 * loops on each. The earlier state is still in the folio's event history.
 *
 * XState ignores an event a state does not handle, so callers check `snapshot.can(event)`
 * first and treat `false` as an invariant failure. Final states: `split`, `freed`, `collapsed-into`.
 */
export const folioMachine = setup({
  types: {
    context: {} as FolioMachineContext,
    events: {} as FolioMachineEvent,
    input: {} as FolioMachineInput,
  },
  guards: {
    isBornByCollapse: ({ context }) => context.cause === 'collapse',
  },
}).createMachine({
  id: 'folio',
  context: ({ input }) => ({ cause: input.cause }),
  initial: 'born',
  states: {
    born: {
      always: [{ guard: 'isBornByCollapse', target: 'collapsed' }, { target: 'allocated' }],
    },
    allocated: {
      on: { ...loops('allocated'), ...RESIDENT_EXITS },
    },
    'partially-punched': {
      on: { ...loops('partially-punched'), ...RESIDENT_EXITS },
    },
    'split-failed': {
      on: { ...loops('split-failed'), ...RESIDENT_EXITS },
    },
    collapsed: {
      on: { ...loops('collapsed'), ...RESIDENT_EXITS },
    },
    'reclaim-candidate': {
      on: {
        ...loops('reclaim-candidate'),
        ...LIVE_EXITS,
        // The EOF shrinker could not split a pinned folio: it stays on the list.
        folio_split_failed: { target: 'reclaim-candidate' },
        folio_reclaim_cleared: { target: 'allocated' },
      },
    },
    split: { type: 'final' },
    freed: { type: 'final' },
    'collapsed-into': { type: 'final' },
  },
});

/** Type of {@link folioMachine}, or of a variant made with `folioMachine.provide()`. */
export type FolioMachine = typeof folioMachine;
