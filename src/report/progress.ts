import cliProgress from 'cli-progress';

/** How far a long command has come: `tick` after each unit of work, `stop` once at the end. */
export interface Progress {
  tick(done: number): void;
  stop(): void;
}

/** A progress that shows nothing (not a terminal, `--json`, tests). */
export const NO_PROGRESS: Progress = Object.freeze({ tick: () => {}, stop: () => {} });

/**
 * A progress bar on `out` (a terminal) for `total` commands (or other `unit`s: seeds): the bar,
 * the share done, units done out of total, the rate per second and the time left, redrawn at most 10 times a second
 * by cli-progress. `stop` leaves the last state on its own line.
 *
 * ### Example
 * ```ts
 * const p = progressBar(process.stderr, 40_001, 'run'); p.tick(1); ... p.stop()
 * ```
 */
export function progressBar(out: NodeJS.WriteStream, total: number, label: string, unit = 'commands'): Progress {
  const bar = new cliProgress.SingleBar({
    stream: out,
    format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
    barCompleteChar: '=',
    barIncompleteChar: ' ',
    hideCursor: true,
    fps: 10,
    etaBuffer: 200,
  });
  const started = Date.now();
  bar.start(total, 0, { rate: '0' });
  return {
    tick: (done) => {
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en') : '0' });
    },
    stop: () => bar.stop(),
  };
}

/** Progress through named steps of a long job: `step` as each one starts, `stop` at the end. */
export interface StepProgress {
  step(done: number, name: string): void;
  stop(): void;
}

/**
 * A progress bar on `out` (a terminal) over `total` named steps (the benchmark's phases): the
 * bar, steps done, the time since the start and the step under way. cli-progress, like
 * `progressBar`.
 */
export function stepBar(out: NodeJS.WriteStream, total: number, label: string): StepProgress {
  const bar = new cliProgress.SingleBar({
    stream: out,
    format: `${label} [{bar}] {value}/{total} steps | {duration_formatted} | {step}`,
    barCompleteChar: '=',
    barIncompleteChar: ' ',
    hideCursor: true,
    fps: 2,
  });
  bar.start(total, 0, { step: '' });
  return {
    step: (done, name) => bar.update(done, { step: name }),
    stop: () => bar.stop(),
  };
}
