import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { FolioId } from '../src/model/index.js';
import { FOLIO_MACHINE_EVENT_TYPES, FOLIO_STATE_CODES, folioMachine } from './folio.machine.js';
import type {
  FolioCause,
  FolioMachine,
  FolioMachineEvent,
  FolioMachineEventType,
  FolioState,
  FolioStateCode,
} from './folio.machine.js';

/** Columns of a {@link FolioTable} row: one per {@link FolioMachineEventType}. */
export const FOLIO_EVENT_COUNT = FOLIO_MACHINE_EVENT_TYPES.length;

// Column of each event type, in FOLIO_MACHINE_EVENT_TYPES order. Null prototype: a stray
// string such as 'toString' finds no column, so it reads as illegal.
const EVENT_INDEX: Readonly<Record<FolioMachineEventType, number>> = Object.freeze(
  Object.assign(Object.create(null) as object, Object.fromEntries(FOLIO_MACHINE_EVENT_TYPES.map((t, i) => [t, i]))),
) as Readonly<Record<FolioMachineEventType, number>>;

const STATE_CODES: readonly FolioStateCode[] = Object.values(FOLIO_STATE_CODES);
const CAUSES: readonly FolioCause[] = ['alloc', 'split', 'collapse'];

/** The folio lifecycle compiled to a dense lookup table. */
export interface FolioTable {
  /**
   * Next state code at `next[stateCode * FOLIO_EVENT_COUNT + column]`, 0 for an illegal event.
   * Row 0 (no state) is all 0. Shared: do not write to it.
   */
  readonly next: Readonly<Uint8Array>;
  /** State code of a folio just born, per cause. */
  readonly birth: Readonly<Record<FolioCause, FolioStateCode>>;
}

type FolioSnapshot = SnapshotFrom<FolioMachine>;

/**
 * Compile a folio machine to a {@link FolioTable} by walking it with XState's pure
 * `initialTransition` and `transition`: breadth-first from each birth, every event is tried
 * with `snapshot.can()` in every distinct (state, context) reached, so the table holds exactly
 * what the machine says, not a restatement of its rules.
 *
 * The table is keyed by state and event type only, so the machine must not guard on event
 * payloads. Pure.
 *
 * @param machine - the machine to compile; {@link folioMachine} by default.
 * @returns the table. Throws an `Error` when a state cannot be reached from any birth, when a
 *   snapshot settles outside {@link FOLIO_STATE_CODES}, or when a state's next states depend on
 *   its context (the table could not be exact).
 */
export function compileFolioTable(machine: FolioMachine = folioMachine): FolioTable {
  const next = new Uint8Array((STATE_CODES.length + 1) * FOLIO_EVENT_COUNT);
  const filled = new Set<number>();
  const birth = {} as Record<FolioCause, FolioStateCode>;
  const queue: FolioSnapshot[] = [];
  const seen = new Set<string>();
  const visit = (snapshot: FolioSnapshot): void => {
    const key = JSON.stringify([snapshot.value, snapshot.context]);
    if (!seen.has(key)) {
      seen.add(key);
      queue.push(snapshot);
    }
  };
  for (const cause of CAUSES) {
    const [born] = initialTransition(machine, { cause });
    birth[cause] = stateCode(born);
    visit(born);
  }
  for (let i = 0; i < queue.length; i++) {
    const snapshot = queue[i]!;
    const code = stateCode(snapshot);
    const row = FOLIO_MACHINE_EVENT_TYPES.map((type) => {
      const event = probeEvent(type);
      if (!snapshot.can(event)) return 0;
      const [after] = transition(machine, snapshot, event);
      visit(after);
      return stateCode(after);
    });
    storeRow(next, code, row, filled);
  }
  const missing = STATE_CODES.filter((code) => !filled.has(code));
  if (missing.length > 0) throw new Error(`folio table: state codes ${missing.join(', ')} are unreachable`);
  return Object.freeze({ next, birth: Object.freeze(birth) });
}

function storeRow(next: Uint8Array, code: number, row: readonly number[], filled: Set<number>): void {
  const base = code * FOLIO_EVENT_COUNT;
  if (filled.has(code)) {
    const e = row.findIndex((to, col) => next[base + col] !== to);
    if (e >= 0) {
      throw new Error(`folio table: state code ${code} + ${FOLIO_MACHINE_EVENT_TYPES[e]} depends on context`);
    }
    return;
  }
  next.set(row, base);
  filled.add(code);
}

function stateCode(snapshot: FolioSnapshot): FolioStateCode {
  const value: unknown = snapshot.value;
  if (typeof value === 'string' && Object.hasOwn(FOLIO_STATE_CODES, value)) {
    return FOLIO_STATE_CODES[value as FolioState];
  }
  throw new Error(`folio table: snapshot settled in ${JSON.stringify(value)}, which has no state code`);
}

const PROBE_FOLIO = 1 as FolioId;

/** An event of `type` for the walk; payloads do not matter (see compileFolioTable). */
function probeEvent(type: FolioMachineEventType): FolioMachineEvent {
  switch (type) {
    case 'folio_zeroed':
    case 'folio_uptodate_cleared':
      return { type, folio: PROBE_FOLIO, index: 0 };
    case 'folio_split':
      return { type, folio: PROBE_FOLIO, order: 0 };
    case 'folio_collapsed':
      return { type, folio: PROBE_FOLIO, into: 2 as FolioId };
    case 'folio_pinned':
    case 'folio_unpinned':
      return { type, folio: PROBE_FOLIO, pins: 1 };
    default:
      return { type, folio: PROBE_FOLIO };
  }
}

/** The table compiled from {@link folioMachine} when this module loads. */
export const FOLIO_TABLE: FolioTable = compileFolioTable();

const NEXT = FOLIO_TABLE.next;

/**
 * Next state of a folio in state `stateCode` that takes an event of `eventType`. The simulator
 * turns 0 into an invariant failure. Pure.
 *
 * @param stateCode - a {@link FOLIO_STATE_CODES} value; any other number gives 0.
 * @param eventType - the folio event's `type`.
 * @returns the next state code, or 0 when the machine does not accept the event in that state.
 */
export function nextFolioState(stateCode: number, eventType: FolioMachineEventType): FolioStateCode | 0 {
  // A fractional code could land on a valid index (0.5 * 8 = 4); out-of-range indexes read
  // `undefined` from a typed array.
  if ((stateCode | 0) !== stateCode) return 0;
  return (NEXT[stateCode * FOLIO_EVENT_COUNT + EVENT_INDEX[eventType]] ?? 0) as FolioStateCode | 0;
}

/**
 * State code of a folio just born by `cause` (its `folio_added` event). Pure.
 *
 * @param cause - the `cause` of the `folio_added` event.
 * @returns `allocated` (1) for 'alloc' and 'split', `collapsed` (5) for 'collapse'.
 */
export function birthState(cause: FolioCause): FolioStateCode {
  return FOLIO_TABLE.birth[cause];
}
