import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Progress } from '../report/index.js';
import { CliError } from './errors.js';

/** Where the CLI writes; tests pass string collectors. */
export interface Output {
  write(text: string): void;
}

/** Everything a command needs from the outside world, injected. */
export interface CliEnv {
  readonly stdout: Output;
  readonly stderr: Output;
  /** The wall clock (only `runs.created_at` uses it). */
  readonly now: () => Date;
  /**
   * A progress bar for `total` commands (or `unit`s), when there is a terminal to draw it on (bin.ts: stderr
   * is a terminal and stdout is not, so it never mixes with the rows of a table); none in tests.
   */
  readonly progress?: ((total: number, label: string, unit?: string) => Progress) | undefined;
  /** The environment variables the CLI reads (bin.ts: `process.env`): `FOLIOLOG_DB`, the default `--db`. */
  readonly variables?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Read a script file as UTF-8 text. @throws CliError (exit 2) when it cannot be read. */
export function readScriptFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new CliError(`${path}: cannot read the script (${reason})`, { cause: e });
  }
}

/** This package's version, from the nearest package.json above this module. */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'foliolog' && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
    const up = dirname(dir);
    if (up === dir) return '0.0.0';
    dir = up;
  }
}
