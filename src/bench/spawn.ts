import { spawnSync } from 'node:child_process';
import type { MixOptions } from '../sim/index.js';

/** Work the benchmark runs in a child process of its own, so that its peak RSS is its own. */
export type ChildTask =
  | { readonly kind: 'record'; readonly db: string; readonly mix: MixOptions; readonly events: number }
  | { readonly kind: 'heap'; readonly folios: number }
  | { readonly kind: 'kernel'; readonly db: string };

/** What a child prints: its measurement and its peak RSS in bytes. */
export type ChildResult = Record<string, number> & { readonly maxRss: number };

const CHILD_FLAG = '--bench-child';

/** Run `task` in a fresh Node process (`--expose-gc` for the heap) and return what it printed. */
export function inChild(script: string, task: ChildTask): ChildResult {
  const r = spawnSync(process.execPath, ['--expose-gc', script, CHILD_FLAG, JSON.stringify(task)], {
    encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`bench child ${task.kind} failed with status ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/** The task of this process when it is a bench child, else undefined. */
export function childTask(argv: readonly string[]): ChildTask | undefined {
  const k = argv.indexOf(CHILD_FLAG);
  return k < 0 ? undefined : JSON.parse(argv[k + 1]!) as ChildTask;
}

