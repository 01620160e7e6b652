/** Bad usage or input: the CLI prints the one-line message and exits 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: 'E_USAGE';
  /** Exit status (2 unless said otherwise). */
  readonly exitCode: number;

  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = 'E_USAGE';
    this.exitCode = options.exitCode ?? 2;
  }
}
