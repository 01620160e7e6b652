import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { README, ROOT, words } from './_cookbook.js';

const BIN = join(ROOT, 'dist/src/cli/bin.js');
const TITLE = '### Workload generators';

/** The plain blocks of the section: each `$ ` command with the stdout shown after it. */
function blocks(): Array<{ command: string; expected: string }> {
  const lines = readFileSync(README, 'utf8').split('\n');
  const start = lines.indexOf(TITLE);
  const end = lines.findIndex((l, k) => k > start && /^#{2,3} /.test(l));
  const out: Array<{ command: string; out: string[] }> = [];
  let inBlock = false;
  for (const l of lines.slice(start, end)) {
    if (l === '```') inBlock = !inBlock;
    else if (inBlock && l.startsWith('$ ')) out.push({ command: l.slice(2), out: [] });
    else if (inBlock) out[out.length - 1]?.out.push(l);
  }
  return out.map((s) => ({ command: s.command, expected: s.out.join('\n') }));
}

/** Run `foliolog ARGS [> FILE]` through the built CLI in `dir`: its stdout (written to FILE instead, when redirected). */
function run(command: string, dir: string): string {
  const [cmd, ...args] = words(command);
  expect(cmd).toBe('foliolog');
  const to = args.indexOf('>');
  const r = spawnSync(process.execPath, [BIN, ...(to < 0 ? args : args.slice(0, to))], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  if (to < 0) return r.stdout.replace(/\n$/, '');
  writeFileSync(join(dir, args[to + 1]!), r.stdout);
  return '';
}

describe('README: workload generators', () => {
  it('prints what the README shows, each block in order in one fresh folder', () => {
    const steps = blocks();
    expect(steps.length).toBeGreaterThanOrEqual(4);
    const dir = mkdtempSync(join(tmpdir(), 'foliolog-gen-'));
    try {
      for (const s of steps) expect(run(s.command, dir), s.command).toBe(s.expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
