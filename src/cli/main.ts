import { Command, CommanderError, Option } from 'commander';
import { KERNEL_VARIANTS } from '../model/index.js';
import { isStoreError, shownUrl } from '../store/index.js';
import { runCommand, type RunOptions } from './commands/run.js';
import { BUG_NAMES, DEFAULT_POLICY, POLICY_NAMES } from '../model/index.js';
import { type RunsOptions, runsCommand } from './commands/runs.js';
import { type PushOptions, pushCommand } from './commands/push.js';
import { conformanceCommand } from './commands/conformance.js';
import { conformanceRandomCommand } from './commands/conformance-random.js';
import { kernelVariantOption } from './variant.js';
import { MIXES, WORKLOADS } from '../fuzz/index.js';
import { type DiffOptions, diffCommand } from './commands/diff.js';
import { type FuzzCliOptions, fuzzCommand } from './commands/fuzz.js';
import { type EnqueueOptions, enqueueCommand } from './commands/fuzz-campaign.js';
import { type WorkerOptions, workerCommand } from './commands/worker.js';
import { type CampaignOptions, campaignCommand } from './commands/campaign.js';
import { type CompareOptions, compareCommand } from './commands/compare.js';
import { type GenCliOptions, genCommand, unknownGenerator } from './commands/gen.js';
import { type ShrinkCliOptions, shrinkCommand } from './commands/shrink.js';
import { atCommand } from './commands/at.js';
import { type HistoryOptions, historyCommand } from './commands/history.js';
import { explainCommand } from './commands/explain.js';
import { kernelCommand } from './commands/kernel.js';
import { queryCommand } from './commands/query.js';
import { type PictureOptions, exportCommand, reportCommand } from './commands/report.js';
import { CliError } from './errors.js';
import { SCRIPT_HELP } from './help.js';
import { Interrupt } from './interrupt.js';
import type { CliEnv } from './io.js';
import { packageVersion } from './io.js';

/** Options of `foliolog conformance`, with and without `--random`. */
interface ConformanceCliOptions {
  readonly json: boolean;
  readonly show: string;
  readonly variant?: string;
  readonly random?: string;
  readonly mix?: string;
  readonly seed?: string;
  readonly ops?: string;
  readonly out?: string;
}

/** The kernel variants `--variant` takes, for help texts. */
const VARIANT_NAMES = Object.keys(KERNEL_VARIANTS).join(', ');

/** Store failures that are the user's input (exit 2), not our bug. */
const USER_STORE_ERRORS = [
  'E_FOREIGN', 'E_NEWER', 'E_NO_STORE', 'E_NEEDS_MIGRATION', 'E_DAMAGED', 'E_NO_RUN', 'E_INCOMPLETE', 'E_UNREADABLE',
  'E_DUPLICATE_RUN', 'E_UNSUPPORTED',
] as const;

/** `--db`: a SQLite file or a `postgres://` URL; `FOLIOLOG_DB` sets its default (help shows no password). */
function storeOption(fallback: string): Option {
  return new Option('--db <file|url>', 'the store: a SQLite file or a postgres:// URL').default(fallback, shownUrl(fallback));
}

/** `--bug NAME`, repeatable (run, fuzz, shrink): every name given, in order. */
function bugOption(what: string): Option {
  return new Option('--bug <name>', `${what} (repeatable): ${BUG_NAMES.join(', ')}`)
    .argParser((v: string, all: string[] | undefined) => [...(all ?? []), v]).default([]);
}

function program(env: CliEnv, setCode: (code: number) => void, interrupt: Interrupt): Command {
  const defaultDb = env.variables?.FOLIOLOG_DB || './foliolog.db';
  const dbOption = (): Option => storeOption(defaultDb);
  const root = new Command('foliolog')
    .description('a deterministic, event-sourced simulator of Linux 6.18 shmem/tmpfs folios')
    .version(packageVersion(), '--version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) })
    .showSuggestionAfterError(false);
  root.command('run')
    .description('run SCRIPT on the model and record it')
    .argument('<script>', 'the workload script')
    .addOption(dbOption())
    .option('--json', 'print one JSON object per command line', false)
    .option('--no-check', 'do not check the oracle after every command')
    .option('--seed <n>', 'seed of the run (the scheduler of [A]/[B] tasks)', '1')
    .option('--sched <kind>', 'how tasks are interleaved: random, or pct[:DEPTH] (depth 3)', 'random')
    .option('--schedule <file>', 'replay this schedule (one task name per step, as runs.schedule holds it)')
    .option('--policy <spec>', `what-if policy: NAME[:KEY=VALUE]... joined by + (${POLICY_NAMES.join(', ')})`, DEFAULT_POLICY)
    .option('--metrics', 'record the what-if lab\'s no-data pages with each command (operations.no_data, view run_memory)', false)
    .option('--variant <name>', `answer as another kernel build where builds differ (${VARIANT_NAMES})`)
    .addOption(bugOption('put back a shmem bug for the oracle to catch (fault-clears-partial adds the per-block policy)'))
    .addHelpText('after', SCRIPT_HELP)
    .action(async (script: string, o: RunOptions & { db: string }) => {
      setCode(await interrupt.during(() => runCommand(script, o, env, interrupt.signal)));
    });
  root.command('fuzz')
    .description('seeded random scripts with racing tasks until the oracle fails; shrink and record the failure')
    .addOption(dbOption())
    .option('--json', 'print one JSON object', false)
    .option('--seeds <a..b>', 'the seeds to try (both ends included)', '1..100')
    .option('--ops <m>', 'commands per script', '20')
    .option('--tasks <t>', 'tasks [A], [B], ... per script', '2')
    .addOption(bugOption('put back a shmem bug'))
    .option('--policy <spec>', `what-if policy: NAME[:KEY=VALUE]... joined by + (${POLICY_NAMES.join(', ')})`, DEFAULT_POLICY)
    .option('--out <dir>', 'where the reproducer goes', '.')
    .option('--jobs <n>', 'local workers (threads) sharing the seeds; the lowest failing seed wins, as with 1', '1')
    .option('--campaign <name>', 'instead: queue the seeds as campaign NAME in a PostgreSQL store for `foliolog worker`s, and return')
    .option('--chunk <n>', 'with --campaign: seeds per chunk a worker takes (default: about 2000 commands\' worth)')
    .option('--expire <s>', 'with --campaign: seconds a worker may hold a chunk before another one gets it (default: 30)')
    .action(async (o: FuzzCliOptions & Omit<EnqueueOptions, 'campaign'> & { campaign?: string }) => {
      if (o.campaign === undefined && (o.chunk ?? o.expire) !== undefined) throw new CliError(`${o.chunk === undefined ? '--expire' : '--chunk'} needs --campaign`);
      if (o.campaign !== undefined && o.jobs !== '1') throw new CliError('--jobs does not go with --campaign: start more workers');
      if (o.campaign !== undefined) {
        setCode(await enqueueCommand({ ...o, campaign: o.campaign }, env));
        return;
      }
      setCode(await interrupt.during(() => fuzzCommand(o, env, interrupt.signal)));
    });
  root.command('worker')
    .description('take chunks of fuzz campaigns from a PostgreSQL store\'s queue, run them, record what they find; until SIGTERM')
    .addOption(dbOption())
    .option('--json', 'taken as every command takes it; the worker reports on stderr', false)
    .option('--campaign <name>', 'only this campaign\'s chunks (default: every campaign of the store)')
    .option('--until-done', 'stop (exit 0) once no chunk waits or is held by a worker', false)
    .action(async (o: WorkerOptions) => {
      setCode(await interrupt.during(() => workerCommand(o, env, interrupt.signal)));
    });
  root.command('campaign')
    .description('where a fuzz campaign stands: seeds done, failed and in flight, workers\' ops/s, failures and their commands')
    .argument('<name>', 'the campaign (fuzz --campaign NAME)')
    .addOption(dbOption())
    .option('--json', 'print one JSON object: {campaign, seeds, done, failed, in_flight, workers, failures}', false)
    .option('--out <dir>', 'write each failure\'s shrunk reproducer into DIR; the commands then name those files')
    .action(async (name: string, o: CampaignOptions) => setCode(await campaignCommand(name, o, env)));
  const gen = root.command('gen')
    .description(`print a seeded workload script for the what-if lab (${WORKLOADS.map((w) => w.name).join(', ')})`)
    .usage('NAME [--seed N] [--json] [options]')
    .commandsGroup('Generators:')
    // Anything else reaches the action, which names it: an unknown generator is one line, exit 2.
    .allowUnknownOption()
    .allowExcessArguments()
    .action((_o: unknown, self: Command) => unknownGenerator(self.args[0]));
  for (const w of WORKLOADS) {
    const sub = gen.command(w.name)
      .description(w.summary)
      .option('--db <file>', 'taken as every command takes it; gen records nothing')
      .option('--json', 'print one JSON object: {generator, seed, options, lines, script}', false)
      .option('--seed <n>', 'seed of the script', '1');
    for (const opt of w.options) {
      // A default that follows other options is the generator's to compute: commander only shows it.
      if (opt.follows) sub.option(`--${opt.name} <${opt.arg}>`, `${opt.help} (default: ${opt.fallback})`);
      else sub.option(`--${opt.name} <${opt.arg}>`, opt.help, opt.fallback);
    }
    sub.action((o: GenCliOptions) => setCode(genCommand(w, o, env)));
  }
  root.command('compare')
    .description('run SCRIPT under each what-if policy and print their memory side by side')
    .argument('<script>', 'the workload script (foliolog gen NAME makes realistic ones)')
    .addOption(dbOption())
    .option('--json', 'print one JSON object', false)
    .requiredOption('--policies <specs>', `policy specs separated by commas (${POLICY_NAMES.join(', ')}; combine with +)`)
    .option('--svg <file>', 'also draw resident and no-data pages over each run (SVG, vega-lite)')
    .action(async (script: string, o: CompareOptions) => {
      setCode(await interrupt.during(() => compareCommand(script, o, env, interrupt.signal)));
    });
  root.command('shrink')
    .description('minimise a failing script: the same check must fail on the same kind of command')
    .argument('<script>', 'the failing script')
    .addOption(dbOption())
    .option('--json', 'print one JSON object', false)
    .option('--schedule <file>', 'the schedule it fails under (one task name per step)')
    .option('--policy <spec>', `the what-if policy it runs under (${POLICY_NAMES.join(', ')})`)
    .addOption(bugOption('the bug switches it runs with'))
    .option('--out <dir>', 'where NAME.shrunk.fl goes', '.')
    .action(async (script: string, o: ShrinkCliOptions) => setCode(await shrinkCommand(script, o, env)));
  root.command('runs')
    .description('list the runs of the store; --delete removes runs first, --vacuum shrinks the file')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--delete <id...>', 'delete these runs (any status) with all their rows, in one transaction')
    .option('--vacuum', 'give the space of deleted runs back to the file system', false)
    .action(async (o: RunsOptions) => setCode(await runsCommand(o, env)));
  root.command('push')
    .description('copy finished runs to another store (SQLite or PostgreSQL), each in one transaction, hash checked')
    .argument('<run...>', 'the run ids to copy')
    .addOption(dbOption())
    .requiredOption('--to <file|url>', 'the target store: a SQLite file or a postgres:// URL (created if missing)')
    .option('--json', 'print one JSON document: [{from, to, events}]', false)
    .action(async (runs: string[], o: PushOptions) => setCode(await pushCommand(runs, o, env)));
  root.command('kernel')
    .description('run SCRIPT on this machine\'s kernel (root, tmpfs) and record it')
    .argument('<script>', 'the workload script')
    .addOption(dbOption())
    .option('--json', 'print one JSON object per command line', false)
    .addHelpText('after', SCRIPT_HELP)
    .action(async (script: string, o: { db: string; json: boolean }) => {
      setCode(await interrupt.during(() => kernelCommand(script, o, env, interrupt.signal)));
    });
  root.command('diff')
    .description('the first operation where two runs part, every differing field, then a summary')
    .argument('<run_a>', 'a run id of --db, or STORE#ID of another store (a file or a postgres:// URL)')
    .argument('<run_b>', 'another run: ID or STORE#ID')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--all', 'list every differing operation, not only the first', false)
    .option('--html <file>', 'also write both runs\' folio maps, one above the other, the first divergence marked')
    .action(async (a: string, b: string, o: DiffOptions) => setCode(await diffCommand(a, b, o, env)));
  root.command('at')
    .description('the page cache after event SEQ, or after operation @OP')
    .argument('<run>', 'a run id')
    .argument('<target>', 'SEQ (0: before the first event) or @OP (0-based command index)')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--file <name>', 'the file to show (default: the current one then); #ID for a file id')
    .option('--pgoff <range>', 'only folios over pages A..B (both included)')
    .action(async (run: string, target: string, o: { db: string; json: boolean; file?: string; pgoff?: string }) =>
      setCode(await atCommand(run, target, o, env)));
  root.command('history')
    .description('every transition of the folios that covered a page, or of one folio')
    .argument('<run>', 'a run id')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--pgoff <n>', 'the page (4 KiB index) whose folios to follow')
    .option('--file <name>', 'with --pgoff: the file (default: the current one at the end of the run); #ID for a file id')
    .option('--folio <id>', 'the folio to follow')
    .action(async (run: string, o: HistoryOptions) => setCode(await historyCommand(run, o, env)));
  root.command('query')
    .description('run one read-only SQL statement over the store (tables and views: see the README)')
    .argument('<sql>', 'one SQL statement, e.g. "select * from op_summary where run_id = 1"')
    .addOption(dbOption())
    .option('--json', 'print one JSON array of row objects', false)
    .option('--csv', 'print CSV: a header line, then the rows', false)
    .action(async (text: string, o: { db: string; json: boolean; csv: boolean }) => setCode(await queryCommand(text, o, env)));
  root.command('explain')
    .description('why operation @OP left the layout it left: order chains, splits, collapses')
    .argument('<run>', 'a run id')
    .argument('<target>', '@OP (0-based command index)')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .action(async (run: string, target: string, o: { db: string; json: boolean }) => setCode(await explainCommand(run, target, o, env)));
  root.command('report')
    .description('one self-contained HTML page of a run: folio map over time, memory over time')
    .argument('<run>', 'a run id')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--out <file>', 'the page to write (default run-<id>.html)')
    .action(async (run: string, o: PictureOptions) => setCode(await reportCommand(run, o, env)));
  root.command('export')
    .description('a run as a trace for other tools: --perfetto FILE.json (Chrome JSON Trace Event Format)')
    .argument('<run>', 'a run id')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--perfetto <file>', 'write the run as a Perfetto-readable JSON trace')
    .action(async (run: string, o: PictureOptions) => setCode(await exportCommand(run, o, env)));
  root.command('conformance')
    .description('compare the model with the recorded kernel corpus')
    .argument('[dir]', 'the corpus folder', 'test/conformance')
    .addOption(dbOption())
    .option('--json', 'print one JSON document', false)
    .option('--show <n>', 'how many differences to print', '10')
    .option('--variant <name>', `answer as another kernel build where builds differ (${VARIANT_NAMES})`)
    .option('--random <n>', 'instead of the corpus: N seeded random scripts on this machine\'s kernel and the model')
    .option('--mix <name>', `with --random: the mix (${MIXES.join(', ')}; default every one)`)
    .option('--seed <s>', 'with --random: the first seed', '1')
    .option('--ops <a..b>', 'with --random: commands per script (default: the mix\'s)')
    .option('--out <dir>', 'with --random: where shrunk disagreements and their truths go', '.')
    .action(async (dir: string, o: ConformanceCliOptions) => {
      setCode(o.random === undefined ? conformanceCommand(dir, o, env)
        : await interrupt.during(() => conformanceRandomCommand({ ...o, random: o.random! }, kernelVariantOption(o.variant), env, interrupt.signal)));
    });
  const outputs = { writeOut: (s: string) => env.stdout.write(s), writeErr: (s: string) => env.stderr.write(s) };
  for (const cmd of root.commands) {
    cmd.exitOverride().configureOutput(outputs);
    for (const sub of cmd.commands) sub.exitOverride().configureOutput(outputs);
  }
  return root;
}

/** The exit status of a command that threw, after saying why on stderr. */
function failureStatus(e: unknown, env: CliEnv): number {
  if (e instanceof CommanderError) {
    // commander has printed its message; its own exit codes are replaced by ours.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
  }
  if (e instanceof CliError) {
    env.stderr.write(`foliolog: ${e.message}\n`);
    return e.exitCode;
  }
  if (isStoreError(e) && (USER_STORE_ERRORS as readonly string[]).includes(e.code)) {
    env.stderr.write(`foliolog: ${e.message}\n`);
    return 2;
  }
  env.stderr.write(`foliolog: internal error\n${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  return 70;
}

/**
 * The composition root: parse argv, run one command, map every outcome to product.md §3's exit
 * status — 0 success, 1 a failed check, 2 bad usage or input (one line), 70 an internal error
 * (stack trace on stderr). `run` and `kernel` handle SIGINT and SIGTERM while they run: they
 * stop at a command boundary, and 130 (SIGINT) or 143 (SIGTERM) wins over every other status.
 *
 * ### Example
 * ```ts
 * const code = await main(['run', 'examples/tmpfs-huge.fl', '--json'], { stdout, stderr, now: () => new Date() })
 * ```
 */
export async function main(argv: readonly string[], env: CliEnv): Promise<number> {
  let code = 0;
  const interrupt = new Interrupt();
  try {
    await program(env, (c) => { code = c; }, interrupt).parseAsync([...argv], { from: 'user' });
  } catch (e) {
    code = failureStatus(e, env);
  }
  return interrupt.exitCode ?? code;
}
