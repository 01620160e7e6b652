/**
 * A malformed script (product.md §1): the CLI exits 2 and records nothing.
 *
 * `message` is exactly `FILE:LINE: reason`, with FILE as given on the command line, so the
 * CLI can print it as is. `reason` is the same text without the prefix.
 *
 * ### Example
 * ```ts
 * try { parseScript('pwrite -5 4k\n', 'a.fl'); }
 * catch (e) { if (e instanceof ScriptError) console.error(e.message); } // a.fl:1: negative …
 * ```
 */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  readonly code = 'E_SCRIPT';
  /** The script file name as given. */
  readonly file: string;
  /** 1-based line number of the first malformed line. */
  readonly line: number;
  /** The message without its `FILE:LINE: ` prefix. */
  readonly reason: string;

  /**
   * @param file - the script file name as given
   * @param line - 1-based line number
   * @param reason - one-line description of what is wrong
   */
  constructor(file: string, line: number, reason: string, options?: ErrorOptions) {
    super(`${file}:${line}: ${reason}`, options);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
