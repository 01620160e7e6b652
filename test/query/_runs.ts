import { readFileSync } from 'node:fs';
import type { Observation } from '../../src/script/index.js';
import { parseObservation, parseScript } from '../../src/script/index.js';
import type { RunRecorder } from '../../src/sim/index.js';
import { KernelInference, simulate } from '../../src/sim/index.js';
import type { RunMeta, RunWriter, Store, WriterOptions } from '../../src/store/index.js';
import { recorderFor } from '../../src/cli/recording.js';

const CLOCK = { now: () => new Date('2026-01-01T00:00:00Z') };

function meta(source: 'model' | 'kernel', name: string, text: string): RunMeta {
  return {
    source, scriptName: name, scriptText: text, config: {}, seed: source === 'model' ? 1 : 0,
    policy: source === 'model' ? 'linux-6.18' : 'kernel', bugs: [], schedule: null, foliologVersion: '0.1.0',
    nodeVersion: process.versions.node, kernelRelease: source === 'kernel' ? '6.18.44-test' : null,
  };
}

/** A recorder that keeps no layout digests, as runs recorded before migration 0002. */
function legacyRecorder(w: RunWriter): RunRecorder {
  return {
    file: (row) => w.file(row),
    event: (row, extra) => w.event(row, extra),
    operation: (obs, task, file) => w.operation({ ...obs, task: task ?? null, file }),
  };
}

/** Record a model run of `text`, as `foliolog run` does (or, `legacy`, without digests); returns its id. */
export function recordModel(store: Store, text: string, name = 's.fl', legacy = false, options?: WriterOptions): number {
  const w = store.beginRun(meta('model', name, text), CLOCK, options);
  const r = simulate(parseScript(text, name), { recorder: legacy ? legacyRecorder(w) : recorderFor(w) });
  w.finish(r.failure ? 'failed' : 'complete', r.failure?.message);
  return w.runId;
}

/** Record `observations` as a kernel run of `text`, as `foliolog kernel` does; returns its id. */
export function recordKernel(store: Store, text: string, observations: readonly Observation[], name = 's.fl'): number {
  const script = parseScript(text, name);
  const w = store.beginRun(meta('kernel', name, text), CLOCK);
  const infer = new KernelInference(recorderFor(w));
  for (const o of observations) infer.step(script.lines[o.i]!, o);
  w.finish('complete');
  return w.runId;
}

/** Start a run and never finish it (a killed writer). */
export function recordIncomplete(store: Store, text: string): number {
  return store.beginRun(meta('model', 'killed.fl', text), CLOCK).runId;
}

const CORPUS = new URL('../conformance/', import.meta.url);

/** The recorded kernel truth of corpus script `name` (e.g. `301-punch-64k-at-1m`). */
export function corpusTruth(name: string): Observation[] {
  return readFileSync(new URL(`${name}.truth.jsonl`, CORPUS), 'utf8').split('\n').filter(Boolean).map(parseObservation);
}

/** The text of corpus script `name`. */
export function corpusText(name: string): string {
  return readFileSync(new URL(`${name}.fl`, CORPUS), 'utf8');
}
