import { spawnSync } from 'node:child_process';
import { parseScript } from '../script/index.js';
import { type MixOptions, Simulation } from '../sim/index.js';
import { recordKernel } from './kernel.js';
import { recordMix } from './measure.js';

/** Work the benchmark runs in a child process of its own, so that its peak RSS is its own. */
export type ChildTask =
  | { readonly kind: 'record'; readonly db: string; readonly mix: MixOptions; readonly events: number }
  | { readonly kind: 'heap'; readonly folios: number }
  | { readonly kind: 'kernel'; readonly db: string };

/** What a child prints: its measurement and its peak RSS in bytes. */
export type ChildResult = Record<string, number> & { readonly maxRss: number };

const CHILD_FLAG = '--bench-child';

/** Run `task` in a fresh Node process (`--expose-gc` for the heap) and return what it printed. */
export function inChild(script: string, task: ChildTask): ChildResult {
  const r = spawnSync(process.execPath, ['--expose-gc', script, CHILD_FLAG, JSON.stringify(task)], {
    encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`bench child ${task.kind} failed with status ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/** The task of this process when it is a bench child, else undefined. */
export function childTask(argv: readonly string[]): ChildTask | undefined {
  const k = argv.indexOf(CHILD_FLAG);
  return k < 0 ? undefined : JSON.parse(argv[k + 1]!) as ChildTask;
}

/** Do `task` and print its result as one JSON line. */
export async function runChild(task: ChildTask): Promise<void> {
  const out = task.kind === 'record' ? { ...await recordMix(task.db, task.mix, task.events) }
    : task.kind === 'kernel' ? await recordKernel(task.db)
      : heapPerFolio(task.folios);
  process.stdout.write(`${JSON.stringify({ ...out, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
}

/**
 * Model memory per live folio: the heap (and array buffers) after a GC, of a model holding
 * `folios` order-0 folios of one file (`huge=never`, one `pwrite`), minus that of the same model
 * with an empty file, divided by `folios`.
 */
function heapPerFolio(folios: number): Record<string, number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the heap child needs --expose-gc');
  const used = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const script = parseScript(`mount tmpfs huge=never\npwrite 0 ${folios * 4096}\n`, 'heap.fl');
  const sim = new Simulation(script, { check: false, keepObservations: false });
  sim.step();
  const empty = used();
  sim.step();
  const full = used();
  if (sim.result().failure) throw new Error(sim.result().failure!.message);
  return { folios, bytesPerFolio: (full - empty) / folios };
}
