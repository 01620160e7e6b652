import { describe, expect, it } from 'vitest';
import { stepInSlices } from '../../src/cli/slices.js';

/** A stepper of `n` commands that aborts `stop` (as a signal handler would) during command `abortAt`. */
function commands(n: number, stop?: AbortController, abortAt = -1): { step(): boolean; ran: number } {
  return {
    ran: 0,
    step() {
      if (this.ran === abortAt) stop?.abort('SIGINT');
      this.ran++;
      return this.ran < n;
    },
  };
}

describe('stepInSlices', () => {
  it('runs every command when nothing stops it', async () => {
    const run = commands(1000);
    expect(await stepInSlices(run, new AbortController().signal, 0)).toBe('done');
    expect(run.ran).toBe(1000);
  });

  it('finishes the command in flight and runs no other once stop is aborted', async () => {
    const stop = new AbortController();
    const run = commands(1000, stop, 41);
    // A 0 ms slice yields after every command: the stop is seen at the next boundary.
    expect(await stepInSlices(run, stop.signal, 0)).toBe('stopped');
    expect(run.ran).toBe(42);
  });

  it('runs nothing when stop was aborted before the first command', async () => {
    const stop = new AbortController();
    stop.abort('SIGTERM');
    const run = commands(10);
    expect(await stepInSlices(run, stop.signal)).toBe('stopped');
    expect(run.ran).toBe(0);
  });
});
