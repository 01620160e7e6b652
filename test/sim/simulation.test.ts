import { describe, expect, it, vi } from 'vitest';
import { Shmem } from '../../src/model/index.js';
import { parseScript } from '../../src/script/index.js';
import type { EventRecord, RunRecorder } from '../../src/sim/index.js';
import { simulate, Simulation } from '../../src/sim/index.js';

const SCRIPT = 'mount tmpfs huge=within_size\npwrite 0 3m\nfpunch 1m 64k\nseek -h 0\ntruncate 2m\npwrite 4k 64k\n';

/** A recorder that keeps every row it is handed, in order. */
function tape(): { recorder: RunRecorder; rows: string[] } {
  const rows: string[] = [];
  const text = (r: EventRecord): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return {
    rows,
    recorder: {
      file: (f) => void rows.push(`file ${JSON.stringify(f)}`),
      event: (r, extra) => void rows.push(`event ${text(r)} ${JSON.stringify(extra ?? null)}`),
      operation: (o, _task, file, last) => void rows.push(`op ${o.i} ${o.op} ${file} ${last}`),
    },
  };
}

describe('Simulation.step', () => {
  it('runs one command per step and records exactly what simulate records', () => {
    const whole = tape();
    const expected = simulate(parseScript(SCRIPT, 'w.fl'), { recorder: whole.recorder });
    const stepped = tape();
    const sim = new Simulation(parseScript(SCRIPT, 'w.fl'), { recorder: stepped.recorder });
    const ops: number[] = [];
    while (sim.step()) ops.push(sim.ops);
    expect(ops).toEqual([1, 2, 3, 4, 5]);
    expect(sim.done).toBe(true);
    expect(sim.step()).toBe(false);
    expect(sim.result()).toEqual(expected);
    expect(stepped.rows).toEqual(whole.rows);
  });

  it('stopped after k steps has recorded the first k commands and nothing of the next', () => {
    const stepped = tape();
    const sim = new Simulation(parseScript(SCRIPT, 'w.fl'), { recorder: stepped.recorder });
    for (let k = 0; k < 3; k++) sim.step();
    const ops = stepped.rows.filter((r) => r.startsWith('op '));
    expect(ops.map((r) => r.split(' ')[1])).toEqual(['0', '1', '2']);
    expect(stepped.rows.at(-1)).toMatch(/^op 2 fpunch 1m 64k /);
    expect(sim.result().observations).toHaveLength(3);
    expect(sim.done).toBe(false);
  });

  it('is done at the first failed check: later steps run nothing', () => {
    // A model whose page cache reports a folio its events never described.
    const spy = vi.spyOn(Shmem.prototype, 'folios').mockReturnValue([[0, 0, 1]]);
    try {
      const sim = new Simulation(parseScript('mount tmpfs\npwrite 0 8k\n', 'w.fl'));
      expect(sim.step()).toBe(false);
      expect(sim.done).toBe(true);
      expect(sim.step()).toBe(false);
      expect(sim.ops).toBe(1);
      expect(sim.result().failure).toMatchObject({ kind: 'check', line: 1 });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('Simulation without kept observations', () => {
  it('streams every observation to onObservation, records the same rows, and keeps none', () => {
    const kept = tape();
    const all = simulate(parseScript(SCRIPT, 'w.fl'), { recorder: kept.recorder });
    const streamed = tape();
    const seen: unknown[] = [];
    const sim = new Simulation(parseScript(SCRIPT, 'w.fl'), { recorder: streamed.recorder, keepObservations: false, onObservation: (o) => seen.push(o) });
    while (sim.step());
    expect(sim.ops).toBe(6);
    expect(sim.result().observations).toEqual([]);
    expect(seen).toEqual(all.observations);
    expect(streamed.rows).toEqual(kept.rows);
  });
});
