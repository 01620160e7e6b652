import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolioMachineEventType, FolioState } from '../../machines/index.js';
import { FOLIO_MACHINE_EVENT_TYPES, FOLIO_STATE_CODES, nextFolioState } from '../../machines/index.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const STATE_NAMES = new Map<number, string>(Object.entries(FOLIO_STATE_CODES).map(([k, v]) => [v, k]));

/** The README's state × event table as [state, event, next-or-—] cells; a column may name several events (`a`, `b`). */
function readmeCells(): Array<[FolioState, FolioMachineEventType, string]> {
  const lines = README.split('\n');
  const head = lines.findIndex((l) => l.startsWith('| state \\ event |'));
  expect(head).toBeGreaterThan(-1);
  const split = (l: string): string[] => l.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, ''));
  const events = split(lines[head]!).slice(1).map((c) => c.split(/,\s*/) as FolioMachineEventType[]);
  const cells: Array<[FolioState, FolioMachineEventType, string]> = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const [state, ...next] = split(line);
    next.forEach((n, k) => { for (const event of events[k]!) cells.push([state as FolioState, event, n]); });
  }
  return cells;
}

describe('README state × event table', () => {
  it('covers every state and event and agrees with the compiled machine table on every pair', () => {
    const cells = readmeCells();
    expect(new Set(cells.map((c) => c[0]))).toEqual(new Set(Object.keys(FOLIO_STATE_CODES)));
    expect(new Set(cells.map((c) => c[1]))).toEqual(new Set(FOLIO_MACHINE_EVENT_TYPES));
    for (const [state, event, next] of cells) {
      const code = nextFolioState(FOLIO_STATE_CODES[state], event);
      expect([state, event, code === 0 ? '—' : STATE_NAMES.get(code)]).toEqual([state, event, next]);
    }
  });
});
