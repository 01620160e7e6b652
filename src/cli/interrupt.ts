/** The signals that stop a recording command, and the exit status each gives (128 + signo). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** SIGINT or SIGTERM. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * The exit status of a command stopped through `stop` (an `Interrupt`'s signal, whose abort
 * reason is the signal's name): 130 after SIGINT, 143 after SIGTERM. Pure.
 */
export function interruptedStatus(stop: AbortSignal): number {
  return stop.reason === 'SIGTERM' ? STOP_SIGNALS.SIGTERM : STOP_SIGNALS.SIGINT;
}

/**
 * SIGINT and SIGTERM turned into a stop request: while `during(body)` runs, either signal aborts
 * `signal` (reason: the signal's name) instead of killing the process, and the command stops at
 * its next command boundary. Handlers exist only for the duration of `during`, so the CLI
 * called in-process (tests call `main`) leaves the host's signal handling as it found it. A
 * second signal while stopping changes nothing: the first one decides the exit status.
 *
 * ### Example
 * ```ts
 * const interrupt = new Interrupt()
 * const code = await interrupt.during(() => runCommand(script, opts, env, interrupt.signal))
 * process.exitCode = interrupt.exitCode ?? code
 * ```
 */
export class Interrupt {
  readonly #abort = new AbortController();

  /** Aborted by the first stop signal. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** 130 or 143 once a stop signal arrived, else undefined. */
  get exitCode(): number | undefined {
    return this.#abort.signal.aborted ? interruptedStatus(this.#abort.signal) : undefined;
  }

  /** Ask the command to stop, as `sig` would; later requests change nothing. */
  request(sig: StopSignal): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(sig);
  }

  /**
   * Run `body` with SIGINT and SIGTERM handled by `request`; the handlers go when it settles,
   * unless a stop was requested: then they stay, so that another signal arriving while the
   * process exits changes nothing either (removing the last listener restores the default
   * action, which would kill the process with that signal's status).
   */
  async during<T>(body: () => Promise<T>): Promise<T> {
    const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((sig) => [sig, () => this.request(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    try {
      return await body();
    } finally {
      if (!this.#abort.signal.aborted) for (const [sig, h] of handlers) process.off(sig, h);
    }
  }
}
