import { invariant } from './errno.js';

/**
 * The named points where an operation that races (a punch, a fault) lets another task run
 * (issue 9; the list is fixed and documented in the README):
 * - `punch-published`: the punch range is published for faults to wait on (kernel.md §7);
 * - `punch-unmapped`: its whole pages are unmapped;
 * - `punch-undo-folio`: the undo loop handled one folio (kernel.md §3.2);
 * - `punch-clear`: before the punch clears its published range and wakes the faults waiting;
 * - `fault-lookup`: a fault looked its page up in the page cache;
 * - `fault-alloc`: a fault allocated the folio of a hole (locked);
 * - `fault-map`: a fault is about to map its locked folio.
 */
export type YieldPoint =
  | 'punch-published' | 'punch-unmapped' | 'punch-undo-folio' | 'punch-clear'
  | 'fault-lookup' | 'fault-alloc' | 'fault-map';

/** A task that cannot go on until `ready()`: it sleeps on a folio lock or a punch's wait queue. */
export interface Wait {
  readonly waitFor: 'folio-lock' | 'punch';
  ready(): boolean;
}

/** What a steppable operation yields: a yield point, or a wait. */
export type Step = YieldPoint | Wait;

/** A steppable operation: yields at its yield points and returns its result. */
export type Steps<T> = Generator<Step, T, void>;

/** Whether a step is a wait. Pure. */
export function isWait(s: Step): s is Wait {
  return typeof s !== 'string';
}

/**
 * Run a steppable operation to its end without letting anything else run: what every
 * operation does when nothing is concurrent. A wait that is not ready here could only be
 * for the task itself, which would never wake: an invariant failure.
 */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    const s = r.value;
    if (typeof s !== 'string') invariant(s.ready(), `a task alone waits for a ${s.waitFor}`);
  }
}
