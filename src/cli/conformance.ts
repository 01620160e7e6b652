import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from '../script/index.js';
import { compareObservations, parseObservation, parseScript } from '../script/index.js';
import { KERNEL_VARIANTS, type KernelVariant, MODELLED_RELEASE } from '../model/index.js';
import { firstUnsupportedLine, simulate } from '../sim/index.js';

/** One corpus script and the observations the real kernel printed for it. */
export interface CorpusEntry {
  /** File name without `.fl`, e.g. `201-punch-64k-at-1m`. */
  readonly name: string;
  readonly text: string;
  readonly truth: readonly Observation[];
  /** The kernel release the truth was recorded on (`RELEASE`, or its line in `RELEASES`). */
  readonly release: string;
}

/** How the model fared on one corpus script. */
export interface Verdict {
  readonly name: string;
  /**
   * `agree`: every operation agrees; `disagree`: an operation the model ran differs, or an
   * oracle check failed; `not-modelled`: the model refuses a line or stops on unmodelled
   * behaviour, and agreed up to there; `other-release`: the truth was recorded on another
   * kernel build and disagrees only by a rule on which builds differ (`rule`: the kernel
   * variant under which it agrees, or the selected one when the default agrees).
   */
  readonly status: 'agree' | 'disagree' | 'not-modelled' | 'other-release';
  /** Operations of the truth. */
  readonly ops: number;
  /** Operations the model ran and agreed on. */
  readonly agreeing: number;
  /** The first difference (`disagree`), or why the model stopped (`not-modelled`, a failed check). */
  readonly first?: { readonly i: number; readonly line: number; readonly op: string; readonly fields: Record<string, [unknown, unknown]> };
  readonly reason?: string;
  /** `other-release`: the kernel variant that names the rule on which the builds differ. */
  readonly rule?: KernelVariant;
  /** The release the truth was recorded on. */
  readonly release?: string;
}

/**
 * The release of each truth: `RELEASE` holds the release of the corpus, `RELEASES` (optional,
 * `NAME RELEASE` lines, `#` comments) the truths recorded on another one.
 */
function corpusReleases(dir: string): { readonly base: string; readonly of: ReadonlyMap<string, string> } {
  const base = readFileSync(join(dir, 'RELEASE'), 'utf8').trim();
  const path = join(dir, 'RELEASES');
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const of = new Map(lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => {
    const [name = '', release = ''] = l.trim().split(/\s+/);
    return [name, release] as const;
  }));
  return { base, of };
}

/** The corpus under `dir`: every `NNN-name.fl` with its `NNN-name.truth.jsonl`, by name. */
export function loadCorpus(dir: string): CorpusEntry[] {
  const releases = corpusReleases(dir);
  return readdirSync(dir).filter((f) => /^\d{3}-.*\.fl$/.test(f)).sort().map((f) => {
    const name = f.slice(0, -3);
    const truthText = readFileSync(join(dir, `${name}.truth.jsonl`), 'utf8');
    return {
      name,
      text: readFileSync(join(dir, f), 'utf8'),
      truth: truthText.split('\n').filter((l) => l !== '').map((l) => parseObservation(l)),
      release: releases.of.get(name) ?? releases.base,
    };
  });
}

/**
 * Run the model over one corpus script and compare every observation with the kernel's
 * (`compareObservations`: product.md §2's rules).
 */
export function checkEntry(e: CorpusEntry, variant?: KernelVariant): Verdict {
  const script = parseScript(e.text, `${e.name}.fl`);
  const ops = e.truth.length;
  const refused = firstUnsupportedLine(script);
  if (refused !== undefined) {
    return { name: e.name, status: 'not-modelled', ops, agreeing: 0, reason: `line ${refused.line.line}: ${refused.what}` };
  }
  const r = simulate(script, variant ? { variant } : {});
  let agreeing = 0;
  for (const [i, o] of r.observations.entries()) {
    const k = e.truth[i];
    const fields = k === undefined ? { op: [o.op, null] as [unknown, unknown] } : compareObservations(o, k);
    if (Object.keys(fields).length > 0) {
      return { name: e.name, status: 'disagree', ops, agreeing, first: { i, line: o.line, op: o.op, fields } };
    }
    agreeing++;
  }
  if (r.failure?.kind === 'check') return { name: e.name, status: 'disagree', ops, agreeing, reason: r.failure.message };
  if (r.failure?.kind === 'unsupported') return { name: e.name, status: 'not-modelled', ops, agreeing, reason: r.failure.message };
  if (agreeing !== ops) return { name: e.name, status: 'disagree', ops, agreeing, reason: `the model printed ${agreeing} of ${ops} observations` };
  return { name: e.name, status: 'agree', ops, agreeing };
}

/**
 * True when a truth was recorded on another build than the one the model follows: the default
 * follows `MODELLED_RELEASE`, a variant the builds before it. Pure.
 */
function fromOtherBuild(release: string, variant: KernelVariant | undefined): boolean {
  return variant === undefined ? release !== MODELLED_RELEASE : release === MODELLED_RELEASE;
}

/**
 * `checkEntry` under the selected kernel variant (none: `MODELLED_RELEASE`), telling apart a
 * truth from another build that the model, answering as that build, agrees with: its verdict
 * is `other-release` and names the rule (the variant on which the two builds differ).
 */
export function judgeEntry(e: CorpusEntry, variant?: KernelVariant): Verdict {
  const v = checkEntry(e, variant);
  if (v.status !== 'disagree' || !fromOtherBuild(e.release, variant)) return v;
  const others = [undefined, ...Object.keys(KERNEL_VARIANTS) as KernelVariant[]].filter((o) => o !== variant);
  for (const other of others) {
    if (checkEntry(e, other).status !== 'agree') continue;
    return { ...v, status: 'other-release', rule: other ?? variant!, release: e.release };
  }
  return v;
}

/** The corpus sections, by the first digit of a script's number (README "The corpus"). */
const SECTIONS: Readonly<Record<string, string>> = {
  1: 'controls', 2: 'order selection, write and fault layouts', 3: 'punch, truncate, split failures, shrinker, ENOSPC',
  4: 'SEEK_HOLE / SEEK_DATA', 5: 'fallocate', 6: 'MADV_COLLAPSE and khugepaged', 7: 'faults and pins', 8: 'accounting',
  9: 'seeded random scripts',
};

/** Totals of one corpus section. */
export interface SectionTotals {
  /** `1xx` … `9xx`. */
  readonly section: string;
  readonly name: string;
  readonly scripts: number;
  readonly agree: number;
  readonly ops: number;
  readonly agreeing: number;
}

/** Totals per corpus section (`1xx` …), in section order; a script of another release counts as agreeing. Pure. */
export function sectionTotals(verdicts: readonly Verdict[]): SectionTotals[] {
  const by = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    const digit = v.name.charAt(0);
    by.set(digit, [...by.get(digit) ?? [], v]);
  }
  return [...by.keys()].sort().map((digit) => {
    const vs = by.get(digit)!;
    return {
      section: `${digit}xx`, name: SECTIONS[digit] ?? 'other', scripts: vs.length,
      agree: vs.filter((v) => v.status === 'agree' || v.status === 'other-release').length,
      ops: vs.reduce((n, v) => n + v.ops, 0), agreeing: vs.reduce((n, v) => n + (v.status === 'other-release' ? v.ops : v.agreeing), 0),
    };
  });
}

/** `sectionTotals` as text lines, one per section. Pure. */
export function sectionLines(verdicts: readonly Verdict[]): string[] {
  const rows = sectionTotals(verdicts);
  const width = Math.max(...rows.map((r) => r.name.length));
  return rows.map((r) => `  ${r.section}  ${r.name.padEnd(width)}  ${r.agree}/${r.scripts} scripts, ${r.agreeing}/${r.ops} operations`);
}

/** Totals over a corpus: what `npm run conformance` prints first. Pure. */
export function conformanceSummary(verdicts: readonly Verdict[]): string {
  const ops = verdicts.reduce((n, v) => n + v.ops, 0);
  const agreeing = verdicts.reduce((n, v) => n + v.agreeing, 0);
  const agree = verdicts.filter((v) => v.status === 'agree').length;
  const notModelled = verdicts.filter((v) => v.status === 'not-modelled');
  const disagree = verdicts.filter((v) => v.status === 'disagree').length;
  const other = verdicts.filter((v) => v.status === 'other-release');
  return [
    `agree ${agreeing}/${ops} operations, ${agree}/${verdicts.length} scripts`,
    `not modelled yet: ${notModelled.length} scripts (${notModelled.reduce((n, v) => n + v.ops - v.agreeing, 0)} operations); disagree: ${disagree} scripts`,
    ...other.length === 0 ? [] : [`recorded on another kernel build: ${other.length} scripts, apart from the disagreements`],
    ...other.map((v) => `  ${v.name} (${v.release ?? '?'}): differs by ${v.rule ?? '?'}`),
  ].join('\n');
}
