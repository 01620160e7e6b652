import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Wall-clock length of one synchronous slice of commands, in ms. Signal handlers run only
 * between slices, so this bounds how late a Ctrl-C is seen (after the command in flight); one
 * yield per slice costs microseconds, nothing measurable against 20 ms of work.
 */
export const SLICE_MS = 20;

/** Anything that runs one command per `step()` and says whether more remain (a `Simulation`). */
export interface Stepper {
  step(): boolean;
}

/**
 * Step `run` to its end, yielding to the event loop every `sliceMs` of wall-clock time so that
 * signal handlers can run, and stop at the first command boundary after `stop` is aborted.
 * `stop` can only change while the event loop runs (a handler aborts it), so it is checked after
 * each yield, which is between two commands.
 * @returns `done` when `run` had nothing left to run, `stopped` when `stop` ended it first.
 *
 * ### Example
 * ```ts
 * if (await stepInSlices(new Simulation(script, opts), interrupt.signal) === 'stopped') writer.interrupt()
 * ```
 */
export async function stepInSlices(run: Stepper, stop: AbortSignal, sliceMs = SLICE_MS): Promise<'done' | 'stopped'> {
  for (;;) {
    if (stop.aborted) return 'stopped';
    const end = performance.now() + sliceMs;
    do {
      if (!run.step()) return 'done';
    } while (performance.now() < end);
    await nextTurn();
  }
}
