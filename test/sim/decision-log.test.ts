import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/script/index.js';
import type { ExplanationRecord, RunRecorder } from '../../src/sim/index.js';
import { firstUnsupportedLine, simulate } from '../../src/sim/index.js';
import { eventLine } from '../../src/store/index.js';

const CORPUS = join(import.meta.dirname, '../conformance');
const SCRIPTS = readdirSync(CORPUS).filter((f) => /^\d{3}-.*\.fl$/.test(f)).sort();

/** Run `text`, hashing its event log as the store does; with `explain`, keep the explanation rows too. */
function record(text: string, explain: boolean): { hash: string; events: number; observations: string; rows: ExplanationRecord[] } {
  const hash = createHash('sha256');
  const rows: ExplanationRecord[] = [];
  let events = 0;
  const recorder: RunRecorder = {
    file: () => undefined,
    event: (row) => { hash.update(eventLine(row)); events++; },
    operation: () => undefined,
    ...(explain ? { explanation: (row: ExplanationRecord) => void rows.push(row) } : {}),
  };
  const r = simulate(parseScript(text, 's.fl'), { recorder });
  const observations = JSON.stringify(r.observations, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return { hash: hash.digest('hex'), events, observations, rows };
}

describe('DecisionLog: explanations are not events', () => {
  it('leaves the event log, its hash and the observations of every corpus script unchanged', () => {
    let explained = 0;
    for (const name of SCRIPTS) {
      const text = readFileSync(join(CORPUS, name), 'utf8');
      if (firstUnsupportedLine(parseScript(text, name))) continue;
      const plain = record(text, false);
      const withRows = record(text, true);
      expect(withRows.hash, name).toBe(plain.hash);
      expect(withRows.events, name).toBe(plain.events);
      expect(withRows.observations, name).toBe(plain.observations);
      if (withRows.rows.length > 0) explained++;
    }
    expect(explained).toBeGreaterThan(200);
  });
});

describe('DecisionLog rows', () => {
  it('numbers the decisions of each operation from 0, in the order they were taken', () => {
    const { rows } = record('mount tmpfs huge=always size=4m\npwrite 0 4k\nopen b\npwrite 0 4k\nopen c\npwrite 0 4k\n', true);
    expect(rows.map((r) => [r.i, r.n, r.kind])).toEqual([[1, 0, 1], [3, 0, 1], [5, 0, 2], [5, 1, 2], [5, 2, 1]]);
  });

  it('shares one row between consecutive folios allocated alike, and none across a folio in the way', () => {
    const never = record('mount tmpfs\npwrite 0 60k\n', true).rows;
    expect(never.map((r) => [r.kind, r.folio, r.nr, r.globalOrders])).toEqual([[1, 1, 15, 0]]);
    // An order-0 page at 3, then a write over 0-15 on huge=always (0:1 2:0 4:2 8:3): each new
    // folio had something in the way, so each has its own row.
    const mixed = record('mount tmpfs\npwrite 12k 4k\nremount huge=always\npwrite 0 64k\n', true).rows.filter((r) => r.i === 3);
    expect(mixed.map((r) => [r.folio, r.nr, r.suitableOrders])).toEqual([[2, null, 0b10], [3, null, 0], [4, null, 0b110], [5, null, 0b1110]]);
  });

  it('keeps only what cannot be recomputed: unchanged stages, the folio\'s own page and unused sizes are null', () => {
    const [a] = record('mount tmpfs huge=always\npwrite 4k 4k\n', true).rows;
    expect(a).toEqual({
      i: 1, n: 0, kind: 1, folio: 1, nr: null, pgoff: 1, cause: 1, result: null, settings: 1 << 3, perSize: null,
      globalOrders: 0x3fe, allowableOrders: null, vmaOrders: null, suitableOrders: null, iSize: null, writeEnd: null,
      vmaStart: null, vmaEnd: null,
    });
  });
});
