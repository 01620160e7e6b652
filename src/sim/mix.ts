import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { PAGE_SIZE } from '../model/index.js';
import { parseLine, type ScriptLine } from '../script/index.js';
import type { SimScript } from './simulation.js';

/**
 * The benchmark's seeded mix: `pwrite` (50%), `fpunch` (30%) and `seek -h` (20%) at random
 * page-aligned offsets, 1 to `maxPages` pages long, over `files` files of `fileBytes` bytes each
 * on one `huge=` tmpfs mount; about one command in a hundred opens another of the files.
 */
export interface MixOptions {
  readonly seed: number;
  /** Files `f0` … (at least 1); `mount` creates `f`, the first `open f0` follows it. */
  readonly files: number;
  /** Size of each file's range, at most 64 MiB in the benchmark. */
  readonly fileBytes: number;
  /** Longest `pwrite`/`fpunch`, in pages. */
  readonly maxPages: number;
  /** The mount's `huge=` value. */
  readonly huge: string;
  /** The share of `pwrite`, `fpunch` (the rest is `seek -h`). */
  readonly pwrite?: number;
  readonly fpunch?: number;
}

/** The mix of the table: 4 files of 16 MiB on a `huge=within_size` mount, up to 256 KiB per command. */
export const BENCH_MIX: MixOptions = { seed: 1, files: 4, fileBytes: 16 << 20, maxPages: 64, huge: 'within_size' };

/**
 * The mix's lines, one command each, without end: the caller stops when it has enough.
 * Deterministic in `o`. Pure apart from its own generator state.
 *
 * ### Example
 * ```ts
 * const [mount, open, first] = take(mixLines(BENCH_MIX), 3) // 'mount tmpfs huge=within_size', 'open f0', 'pwrite …'
 * ```
 */
export function* mixLines(o: MixOptions): Generator<string> {
  const rng = xoroshiro128plus(o.seed);
  const filePages = Math.floor(o.fileBytes / PAGE_SIZE);
  const pPwrite = Math.round((o.pwrite ?? 0.5) * 1000);
  const pPunch = pPwrite + Math.round((o.fpunch ?? 0.3) * 1000);
  yield `mount tmpfs huge=${o.huge}`;
  yield 'open f0';
  for (;;) {
    if (o.files > 1 && uniformInt(rng, 0, 99) === 0) {
      yield `open f${uniformInt(rng, 0, o.files - 1)}`;
      continue;
    }
    const r = uniformInt(rng, 0, 999);
    const page = uniformInt(rng, 0, filePages - 1);
    const pages = Math.min(uniformInt(rng, 1, o.maxPages), filePages - page);
    const off = page * PAGE_SIZE;
    if (r < pPwrite) yield `pwrite ${off} ${pages * PAGE_SIZE}`;
    else if (r < pPunch) yield `fpunch ${off} ${pages * PAGE_SIZE}`;
    else yield `seek -h ${off}`;
  }
}

/**
 * A program the simulator reads line by line, never whole: `lines` parses each generated line
 * as it is needed, so a run of millions of commands holds none of them. `edit` replaces the text
 * of one command (0-based) — two runs that part there.
 */
export function mixProgram(o: MixOptions, name: string, edit?: { readonly at: number; readonly line: string }): SimScript {
  return {
    file: name,
    lines: (function* (): Generator<ScriptLine> {
      let n = 0;
      for (const text of mixLines(o)) {
        const line = parseLine(edit !== undefined && edit.at === n ? edit.line : text, n + 1, name);
        if (line !== undefined) yield line;
        n++;
      }
    })(),
  };
}

/** The first `n` lines of a generator. */
export function take<T>(g: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  while (out.length < n) {
    const r = g.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

/** The mix's first `n` commands as script text, one per line (for `foliolog run` or `kernel`). */
export function mixText(o: MixOptions, n: number): string {
  return `${take(mixLines(o), n).join('\n')}\n`;
}
