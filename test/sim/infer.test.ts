import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CODES } from '../../src/model/index.js';
import type { Observation } from '../../src/script/index.js';
import { parseObservation, parseScript } from '../../src/script/index.js';
import type { EventRecord, FileRecord, RunRecorder } from '../../src/sim/index.js';
import { inferKernelRun, simulate } from '../../src/sim/index.js';

const NAMES = new Map(Object.entries(EVENT_CODES).map(([k, v]) => [v, k]));

/** A recorder that keeps the live folios per file, and each operation's file. */
function capture(): RunRecorder & { events: string[]; live: Map<number, [number, number, number, 0 | 1]>; check: (o: Observation, file: number | null) => void; layouts: string[][] } {
  const live = new Map<number, [number, number, number, 0 | 1]>();
  const events: string[] = [];
  const layouts: string[][] = [];
  const r = {
    events, live, layouts,
    file: () => undefined,
    event: (row: EventRecord, extra?: { born?: { file: number; pgoff: number; order: number }; ended?: true }) => {
      const name = NAMES.get(row.event) ?? String(row.event);
      events.push(row.folio === null ? name : `${name} ${row.folio}${row.arg === null ? '' : ` ${row.arg}`}`);
      if (row.folio === null) return;
      if (extra?.born) live.set(row.folio, [extra.born.file, extra.born.pgoff, extra.born.order, 0]);
      if (name === 'folio_marked_uptodate') live.get(row.folio)![3] = 1;
      if (extra?.ended) live.delete(row.folio);
    },
    operation: (o: Observation, _task: string | undefined, file: number | null) => r.check(o, file),
    check: (_o: Observation, file: number | null) => {
      layouts.push([...live.values()].filter((f) => f[0] === file).sort((a, b) => a[1] - b[1]).map((f) => `${f[1]}:${f[2]}:${f[3]}`));
    },
  };
  return r;
}

/** What an observation shows: folios plus blind runs tiled into their largest aligned blocks. */
function shown(o: Observation): string[] {
  const out: Array<[number, number, number]> = o.folios.map(([p, ord, u]) => [p, ord, u]);
  for (const [start, n] of o.blind ?? []) {
    for (let p = start; p < start + n;) {
      let ord = 9;
      while (ord > 0 && (p % 2 ** ord !== 0 || p + 2 ** ord > start + n)) ord--;
      out.push([p, ord, 1]);
      p += 2 ** ord;
    }
  }
  return out.sort((a, b) => a[0] - b[0]).map(([p, ord, u]) => `${p}:${ord}:${u}`);
}

describe('KernelInference', () => {
  it('infers the model\'s own events for a write, a punch and a truncate', () => {
    const script = parseScript('mount tmpfs huge=within_size\npwrite 0 64k\nfpunch 16k 4k\ntruncate 8k\n', 'a.fl');
    const r = capture();
    inferKernelRun(script, [
      { i: 0, line: 1, op: 'mount tmpfs huge=within_size', ret: 0n, folios: [], stats: {}, size: 0n, blocks: 0n },
      { i: 1, line: 2, op: 'pwrite 0 64k', ret: 65536n, folios: [[0, 4, 1]], stats: {}, size: 65536n, blocks: 128n },
      { i: 2, line: 3, op: 'fpunch 16k 4k', ret: 0n, folios: [[0, 2, 1], [5, 0, 1], [6, 1, 1], [8, 3, 1]], stats: {}, size: 65536n, blocks: 120n },
      { i: 3, line: 4, op: 'truncate 8k', ret: 0n, folios: [[0, 1, 1]], stats: {}, size: 8192n, blocks: 16n },
    ], r);
    expect(r.events).toEqual([
      'file_created', 'file_switched',
      'folio_added 1 4', 'folio_marked_uptodate 1', 'i_size_changed',
      'folio_split 1 0', 'folio_added 2 2', 'folio_marked_uptodate 2', 'folio_added 3 0', 'folio_marked_uptodate 3',
      'folio_added 4 1', 'folio_marked_uptodate 4', 'folio_added 5 3', 'folio_marked_uptodate 5',
      'folio_split 2 1', 'folio_added 6 1', 'folio_marked_uptodate 6',
      'folio_removed 3', 'folio_removed 4', 'folio_removed 5', 'i_size_changed',
    ]);
    expect(r.layouts.at(-1)).toEqual(['0:1:1']);
  });

  it('infers a collapse into a new PMD folio, and an uptodate mark on a kept folio', () => {
    const script = parseScript('mount tmpfs\nfalloc 0 8k\npwrite 0 4k\nkhugepaged\n', 'b.fl');
    const r = capture();
    inferKernelRun(script, [
      { i: 0, line: 1, op: 'mount tmpfs', ret: 0n, folios: [], stats: {}, size: 0n, blocks: 0n },
      { i: 1, line: 2, op: 'falloc 0 8k', ret: 0n, folios: [[0, 0, 0], [1, 0, 0]], stats: {}, size: 8192n, blocks: 16n },
      { i: 2, line: 3, op: 'pwrite 0 4k', ret: 4096n, folios: [[0, 0, 1], [1, 0, 0]], stats: {}, size: 8192n, blocks: 16n },
      { i: 3, line: 4, op: 'khugepaged', ret: 0n, folios: [[0, 9, 1]], stats: {}, size: 8192n, blocks: 4096n },
    ], r);
    expect(r.events.slice(2)).toEqual([
      'folio_added 1 0', 'folio_added 2 0', 'i_size_changed',
      'folio_marked_uptodate 1',
      'folio_added 3 9', 'folio_collapsed 1 3', 'folio_collapsed 2 3', 'folio_marked_uptodate 3',
    ]);
    expect(r.layouts.at(-1)).toEqual(['0:9:1']);
  });

  it('gives a model run the same layouts when fed the model\'s own observations', () => {
    const script = parseScript('mount tmpfs huge=always\npwrite 0 2m\ntruncate 1052k\nopen g\npwrite 0 60k\nopen f\nseek -h 0\n', 'c.fl');
    const model = simulate(script);
    const r = capture();
    inferKernelRun(script, model.observations, r);
    expect(r.layouts).toEqual(model.observations.map(shown));
  });

  it('gives a memfd switched back to by open the files and operation files of the model run', () => {
    const script = parseScript('mount memfd\npwrite 0 4k\nopen g\npwrite 0 8k\nopen f\nmount memfd\nopen g\nopen f\n', 'd.fl');
    const files = (): RunRecorder & { files: FileRecord[]; ops: Array<number | null> } => {
      const r = { files: [] as FileRecord[], ops: [] as Array<number | null> };
      return { ...r, file: (f) => { r.files.push(f); }, event: () => undefined, operation: (_o, _t, file) => { r.ops.push(file); } };
    };
    const model = files();
    const observations = simulate(script, { recorder: model }).observations;
    const kernel = files();
    inferKernelRun(script, observations, kernel);
    expect(model.files).toEqual([
      { id: 1, name: 'f', mount: 1, kind: 'memfd' }, { id: 2, name: 'g', mount: 1, kind: 'memfd' },
      { id: 3, name: 'f', mount: 2, kind: 'memfd' }, { id: 4, name: 'g', mount: 2, kind: 'memfd' },
    ]);
    expect(model.ops).toEqual([1, 1, 2, 2, 1, 3, 4, 3]);
    expect(kernel.files).toEqual(model.files);
    expect(kernel.ops).toEqual(model.ops);
  });
});

const CORPUS = join(import.meta.dirname, '../conformance');

describe.skipIf(!existsSync(join(CORPUS, 'RELEASE')))('KernelInference over every recorded truth', () => {
  const names = readdirSync(CORPUS).filter((f) => f.endsWith('.truth.jsonl')).map((f) => f.slice(0, -'.truth.jsonl'.length));
  it.each(names)('%s: steps every folio legally and ends each operation on the layout it shows', (name) => {
    const script = parseScript(readFileSync(join(CORPUS, `${name}.fl`), 'utf8'), `${name}.fl`);
    const truth = readFileSync(join(CORPUS, `${name}.truth.jsonl`), 'utf8').split('\n').filter(Boolean).map(parseObservation);
    const r = capture();
    inferKernelRun(script, truth, r);
    expect(r.layouts).toEqual(truth.map(shown));
  });
});
