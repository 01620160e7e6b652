/**
 * Why a kernel run could not be made. The CLI maps `E_PRECONDITION` and `E_TASKS` to exit 2
 * (product.md §3) and the rest to 70.
 *
 * - `E_PRECONDITION`: the machine cannot run scripts (not root, kernel too old, no tmpfs
 *   `huge=`, no per-size knobs, `/proc/kpageflags` unreadable, helper not built, no `cc`).
 * - `E_TASKS`: the script has `[A]` task prefixes; a real kernel cannot follow a seeded schedule.
 * - `E_UNSUPPORTED`: the helper answered `unsupported` for a command.
 * - `E_HELPER`: the helper died, timed out, or broke the protocol (its last words in the message).
 */
export type ProbeErrorCode = 'E_PRECONDITION' | 'E_TASKS' | 'E_UNSUPPORTED' | 'E_HELPER';

/**
 * An error of the probe layer: a one-line `message` (prefixed `FILE:LINE: ` when a script line
 * is to blame) and a `code`.
 *
 * ### Example
 * ```ts
 * try { await runOnKernel(script); }
 * catch (e) { if (e instanceof ProbeError && e.code === 'E_PRECONDITION') console.error(e.message); }
 * ```
 */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  readonly code: ProbeErrorCode;

  /**
   * @param code - what went wrong, see `ProbeErrorCode`
   * @param message - one line
   */
  constructor(code: ProbeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
