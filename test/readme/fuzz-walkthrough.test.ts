import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { README, ROOT, words } from './_cookbook.js';

const BIN = join(ROOT, 'dist/src/cli/bin.js');

/** The plain blocks of the README section titled `title`: each a list of `$ ` commands and the stdout shown after them. */
function blocks(title: string): Array<Array<{ command: string; expected: string }>> {
  const lines = readFileSync(README, 'utf8').split('\n');
  const start = lines.indexOf(title);
  const end = lines.findIndex((l, k) => k > start && l.startsWith('### '));
  const out: Array<Array<{ command: string; expected: string }>> = [];
  let block: Array<{ command: string; out: string[] }> | undefined;
  for (const l of lines.slice(start, end)) {
    if (l === '```' && block === undefined) block = [];
    else if (l === '```' && block !== undefined) {
      out.push(block.map((s) => ({ command: s.command, expected: s.out.join('\n') })));
      block = undefined;
    } else if (block !== undefined && l.startsWith('$ ')) block.push({ command: l.slice(2), out: [] });
    else if (block !== undefined) block[block.length - 1]?.out.push(l);
  }
  return out;
}

/** Run one command in `dir`: `foliolog ...` through the built CLI, or `cat FILE`; its stdout. */
function run(command: string, dir: string): string {
  const [cmd, ...args] = words(command);
  if (cmd === 'cat') return readFileSync(join(dir, args[0]!), 'utf8').replace(/\n$/, '');
  expect(cmd).toBe('foliolog');
  return spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' }).stdout.replace(/\n$/, '');
}

describe('README: fuzz and the shmem_fault() walk-through', () => {
  it.each(['### Fuzz and shrink', '### Walk-through: the shmem_fault() bug of the per-block series'])('%s prints what the README shows', (title) => {
    // The blocks in order, in one fresh folder: a later block reads the store an earlier one wrote.
    const bs = blocks(title);
    expect(bs.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'foliolog-walk-'));
    try {
      for (const s of bs.flat()) expect(run(s.command, dir), s.command).toBe(s.expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
