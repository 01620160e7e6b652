import { describe, it, expect } from 'vitest';
import { createMachine, transition } from 'xstate';
import { FOLIO_MACHINE_EVENT_TYPES, FOLIO_STATE_CODES, folioMachine } from '../../machines/folio.machine.js';
import type { FolioCause, FolioMachine, FolioMachineEventType, FolioState } from '../../machines/folio.machine.js';
import { FOLIO_TABLE, birthState, compileFolioTable, nextFolioState } from '../../machines/folio-table.js';
import { CAUSES, CELLS, ILLEGAL, STATES, born, code, event } from './_folio-lifecycle.js';
import type { Snapshot } from './_folio-lifecycle.js';

/** XState's answer for one pair: the next state code, or 0 when `can()` refuses the event. */
function xstateNext(snapshot: Snapshot, type: FolioMachineEventType): number {
  const e = event(type);
  return snapshot.can(e) ? code(transition(folioMachine, snapshot, e)[0]) : 0;
}

describe('compileFolioTable', () => {
  it('agrees with XState on every state × event pair, along every event sequence of up to 3 events', () => {
    const mismatches: string[] = [];
    const reached = new Set<unknown>();
    let pairs = 0;
    const walk = (snapshot: Snapshot, path: string, depth: number): void => {
      reached.add(snapshot.value);
      for (const type of FOLIO_MACHINE_EVENT_TYPES) {
        pairs++;
        const want = xstateNext(snapshot, type);
        const got = nextFolioState(code(snapshot), type);
        if (got !== want) mismatches.push(`${path} + ${type}: table ${got}, XState ${want}`);
        if (want !== 0 && depth > 0) {
          walk(transition(folioMachine, snapshot, event(type))[0], `${path} ${type}`, depth - 1);
        }
      }
    };
    for (const cause of CAUSES) walk(born(cause), cause, 3);
    expect(mismatches).toEqual([]);
    expect([...reached].sort()).toEqual([...STATES].sort());
    expect(pairs).toBeGreaterThan(STATES.length * FOLIO_MACHINE_EVENT_TYPES.length);
  });

  it.each(CELLS)('compiles %s + %s to %s', (from, type, to) => {
    expect(nextFolioState(FOLIO_STATE_CODES[from], type)).toBe(to === ILLEGAL ? 0 : FOLIO_STATE_CODES[to]);
  });

  it('compiles the same table again from the same machine', () => {
    expect(compileFolioTable(folioMachine)).toEqual(FOLIO_TABLE);
  });

  it('throws when a state cannot be reached from any birth', () => {
    const neverCollapsed = folioMachine.provide({ guards: { isBornByCollapse: () => false } });
    expect(() => compileFolioTable(neverCollapsed)).toThrow(/state codes 5 are unreachable/);
  });

  it('throws when a next state depends on context, since the table could not be exact', () => {
    const candidate = folioMachine.config.states?.['reclaim-candidate'];
    const contextual = createMachine(
      {
        ...folioMachine.config,
        states: {
          ...folioMachine.config.states,
          'reclaim-candidate': {
            ...candidate,
            on: {
              ...candidate?.on,
              folio_reclaim_cleared: [{ guard: 'isBornByCollapse', target: 'collapsed' }, { target: 'allocated' }],
            },
          },
        },
      },
      folioMachine.implementations,
    );
    // A variant of the folio machine built untyped; its events, context and input are the same.
    expect(() => compileFolioTable(contextual as unknown as FolioMachine)).toThrow(/depends on context/);
  });
});

describe('nextFolioState', () => {
  it.each([0, 9, 255, -1, 0.5, 1.5, Number.NaN])('refuses every event in state code %s, which names no state', (c) => {
    expect(FOLIO_MACHINE_EVENT_TYPES.map((type) => nextFolioState(c, type))).toEqual(FOLIO_MACHINE_EVENT_TYPES.map(() => 0));
  });
});

describe('birthState', () => {
  it.each<[FolioCause, FolioState]>([
    ['alloc', 'allocated'],
    ['split', 'allocated'],
    ['collapse', 'collapsed'],
  ])('gives a folio born by %s the code of %s, as XState does', (cause, state) => {
    expect(birthState(cause)).toBe(FOLIO_STATE_CODES[state]);
    expect(birthState(cause)).toBe(code(born(cause)));
  });
});
