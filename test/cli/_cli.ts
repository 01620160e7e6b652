import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/index.js';

/** The built CLI (npm test builds it first). */
export const BIN = resolve(import.meta.dirname, '../../dist/src/cli/bin.js');

/** What one in-process CLI call printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI in-process with a fixed clock. */
export async function cli(...argv: string[]): Promise<CliResult> {
  return cliWith({}, ...argv);
}

/** Run the CLI in-process with a fixed clock and these environment variables (e.g. FOLIOLOG_DB). */
export async function cliWith(variables: Readonly<Record<string, string>>, ...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s) => { stdout += s; } },
    stderr: { write: (s) => { stderr += s; } },
    now: () => new Date('2026-01-01T00:00:00Z'),
    variables,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; file: (name: string, text?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'foliolog-cli-'));
  return {
    dir,
    file: (name, text) => {
      const p = join(dir, name);
      if (text !== undefined) writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** SHA-256 of a file's bytes, or 'missing'. */
export function fileHash(path: string): string {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'missing';
}

/** The JSON Lines of a `run --json`, parsed loosely (numbers as JS numbers). */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
