import type { FolioTriple, Observation, Script } from '../script/index.js';
import { NO_PROGRESS, ObservationTable, type Progress } from '../report/index.js';
import { formatObservation, parseScript, ScriptError } from '../script/index.js';
import type { OperationRecord, RunRecorder } from '../sim/index.js';
import type { RunMeta, RunProgress, RunSummary, RunWriter } from '../store/index.js';
import { CliError } from './errors.js';
import { type CliEnv, type Output, packageVersion, readScriptFile } from './io.js';

/**
 * Read and parse a whole script before anything is recorded.
 * @throws CliError (exit 2): an unreadable file, or the first malformed line as `FILE:LINE: message`.
 */
export function loadScript(path: string): { readonly text: string; readonly script: Script } {
  const text = readScriptFile(path);
  try {
    return { text, script: parseScript(text, path) };
  } catch (e) {
    if (e instanceof ScriptError) throw new CliError(e.message, { cause: e });
    throw e;
  }
}

/** Hand the simulator's (or the inference's) rows to the store's run writer. */
export function recorderFor(writer: RunWriter): RunRecorder {
  return {
    file: (row) => writer.file(row),
    event: (row, extra) => writer.event(row, extra),
    // The model's decisions, for `explain` (migration 0004); not events, so not in the hash.
    explanation: (row) => writer.explanation(row),
    // The layout digest lets `diff` compare runs by their operation rows (migration 0002);
    // unwritten_data feeds the holes_as_data view (migration 0003).
    // One literal, no spread: this runs once per command.
    operation: (o, task, file, _lastSeq, facts) => writer.operation({
      i: o.i, line: o.line, op: o.op, task: task ?? null, ret: o.ret, size: o.size, blocks: o.blocks, stats: o.stats,
      data: o.data, folios: o.folios, blind: o.blind, file, layout: facts.layout, unwrittenData: facts.unwrittenData,
      noData: facts.noData, work: facts.work,
    }),
  };
}

/** The line `run` and `kernel` print on stderr as soon as the run row exists. Pure. */
export function startLine(runId: number): string {
  return `run ${runId}\n`;
}

/** The line `run` and `kernel` print on stderr when a signal stopped the run. Pure. */
export function interruptedLine(p: RunProgress): string {
  return `interrupted: run ${p.runId} left incomplete after ${p.ops} commands\n`;
}

/** The run summary line `run` and `kernel` print on stderr. Pure. */
export function summaryLine(status: 'complete' | 'failed', s: RunSummary, suffix = ''): string {
  return `run ${s.runId}: ${status}, ${s.ops} ops, ${s.events} events, event-log sha256 ${s.hash}${suffix}\n`;
}

/** A run row's metadata: what the command says, plus this build's and Node's versions. */
export function runMeta(m: Omit<RunMeta, 'foliologVersion' | 'nodeVersion' | 'bugs' | 'schedule'> & { readonly bugs?: readonly string[] }): RunMeta {
  return { ...m, bugs: m.bugs ?? [], schedule: null, foliologVersion: packageVersion(), nodeVersion: process.versions.node };
}

/**
 * Where `run` and `kernel` print each command's observation as it finishes: a §2 JSON line
 * (`--json`), or a row of the readable table, whose header it prints at once. Nothing waits
 * for the end of the run.
 */
export function observationPrinter(json: boolean, lines: Script['lines'], out: Output, progress: Progress = NO_PROGRESS): (o: Observation) => void {
  if (json) return (o) => out.write(`${formatObservation(o)}\n`);
  const row = tablePrinter(lines, out, progress);
  return (o) => row(o, o.folios);
}

/**
 * The readable table's printer: prints the header at once, then a row per command from its
 * outcome and its page cache (a list, or a walk of the model's page cache with its count: a
 * row reads only the folios it shows, so a page cache of millions costs no more than a few).
 */
export function tablePrinter(lines: Script['lines'], out: Output, progress: Progress = NO_PROGRESS): (o: OperationRecord, folios: Iterable<FolioTriple> & { readonly count?: number }) => void {
  const table = new ObservationTable(lines);
  out.write(`${table.header()}\n`);
  return (o, folios) => {
    out.write(`${table.row(o, folios, folios.count)}\n`);
    progress.tick(o.i + 1);
  };
}

/** The progress bar of a `run` or `kernel` over `total` commands: none with `--json` or without a terminal. */
export function progressFor(env: CliEnv, json: boolean, total: number, label: string, unit?: string): Progress {
  return json || env.progress === undefined ? NO_PROGRESS : env.progress(total, label, unit);
}
