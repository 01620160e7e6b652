import { describe, expect, it } from 'vitest';
import { CompactLiveTable } from '../../src/store/_compact-live-table.js';
import { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint, type LiveFolio } from '../../src/store/checkpoints.js';

/** A small seeded PRNG (mulberry32). */
function rng(seed: number): (k: number) => number {
  let a = seed >>> 0;
  return (k) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * k);
  };
}

describe('CompactLiveTable (the run writer\'s live folios)', () => {
  it('agrees with a Map through 200,000 random births, changes and removals, growing past many capacities', () => {
    const pick = rng(3);
    const t = new CompactLiveTable();
    const ref = new Map<number, LiveFolio>();
    const ids: number[] = [];
    let next = 1;
    for (let step = 0; step < 200_000; step++) {
      const r = pick(10);
      if (r < 5 || ids.length === 0) {
        // Ids are not all consecutive: some skip, so probe runs mix.
        const id = (next += 1 + pick(3));
        const f: LiveFolio = { id, file: 1 + pick(3), pgoff: pick(1 << 20) * 2 ** pick(30), order: pick(10), uptodate: 0, state: 1 + pick(8), pins: 0 };
        t.born(id, f.file, f.pgoff, f.order, f.state, step);
        ref.set(id, f);
        ids.push(id);
      } else {
        const k = pick(ids.length);
        const id = ids[k]!;
        const slot = t.slot(id);
        expect(slot).toBeGreaterThanOrEqual(0);
        const f = ref.get(id)!;
        if (r < 7) {
          t.remove(slot);
          ref.delete(id);
          ids[k] = ids.at(-1)!;
          ids.pop();
          expect(t.slot(id)).toBe(-1);
        } else if (r < 8) {
          t.setUptodate(slot);
          f.uptodate = 1;
        } else if (r < 9) {
          f.state = 1 + pick(8);
          t.setState(slot, f.state);
        } else {
          f.pins = pick(3);
          t.setPins(id, f.pins);
        }
      }
    }
    const byId = (a: LiveFolio, b: LiveFolio): number => a.id - b.id;
    expect([...t.entries()].sort(byId)).toEqual([...ref.values()].sort(byId));
    expect(t.size).toBe(ref.size);
    expect(t.pages).toBe([...ref.values()].reduce((n, f) => n + 2 ** f.order, 0));
    // The same checkpoint bytes as the object encoder, and they decode to the same folios.
    const blob = t.checkpoint(CHECKPOINT_FORMAT);
    expect(blob).toEqual(encodeCheckpoint(ref.values()));
    expect(decodeCheckpoint(blob)).toEqual(new Map([...ref.values()].sort(byId).map((f) => [f.id, f])));
  });

  it('keeps file ids past 65,535 and pgoffs and seqs past 2^32 exactly once they appear, after a growth too', () => {
    const t = new CompactLiveTable();
    for (let id = 1; id <= 1000; id++) t.born(id, 1, id, 0, 1, id);
    t.born(1001, 70_000, 2 ** 40 + 3, 0, 1, 2 ** 33 + 5);
    t.setLastSeq(t.slot(7), 2 ** 35 + 1);
    for (let id = 1002; id <= 3000; id++) t.born(id, 2, id, 0, 1, id);
    expect([...t.entries()].find((f) => f.id === 1001)).toMatchObject({ file: 70_000, pgoff: 2 ** 40 + 3 });
    expect(t.lastSeq(t.slot(1001))).toBe(2 ** 33 + 5);
    expect(t.lastSeq(t.slot(7))).toBe(2 ** 35 + 1);
    expect(t.lastSeq(t.slot(2999))).toBe(2999);
  });

  it('refuses what a slot cannot hold: an id beyond 2^31, an order of 16', () => {
    const t = new CompactLiveTable();
    expect(() => t.born(2 ** 31, 1, 0, 0, 1, 1)).toThrow(RangeError);
    expect(() => t.born(1, 1, 0, 16, 1, 1)).toThrow(RangeError);
    expect(t.size).toBe(0);
  });
});
