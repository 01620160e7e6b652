import { PAGE_SIZE } from '../model/index.js';
import { parseScript } from '../script/index.js';
import { Simulation } from '../sim/index.js';
import { recordKernel } from './kernel.js';
import { recordMix } from './measure.js';
import type { ChildTask } from './spawn.js';

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
  const script = parseScript(`mount tmpfs huge=never\npwrite 0 ${folios * PAGE_SIZE}\n`, 'heap.fl');
  const sim = new Simulation(script, { check: false, keepObservations: false });
  sim.step();
  const empty = used();
  sim.step();
  const full = used();
  if (sim.result().failure) throw new Error(sim.result().failure!.message);
  return { folios, bytesPerFolio: (full - empty) / folios };
}
