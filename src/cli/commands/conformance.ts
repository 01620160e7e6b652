import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceSummary, judgeEntry, loadCorpus, sectionLines, sectionTotals } from '../conformance.js';
import { kernelVariantOption } from '../variant.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { fieldText } from '../field-text.js';
import { jsonText } from '../json.js';

/** Options of `foliolog conformance`. */
export interface ConformanceOptions {
  readonly json: boolean;
  /** How many differences to print (default 10). */
  readonly show: string;
  /** A kernel variant (`KERNEL_VARIANTS`) to answer as, instead of `MODELLED_RELEASE`. */
  readonly variant?: string;
}

/**
 * `foliolog conformance [DIR]`: run the model over every script of the recorded corpus
 * (default `test/conformance`) and compare it with the kernel's truth. Prints
 * `agree N/M operations, K/L scripts`, what is not modelled yet, and the first differences.
 * A truth recorded on another kernel build that disagrees only by a rule on which builds differ
 * is listed apart, naming the rule (`judgeEntry`).
 * Then the totals per corpus section (`1xx` controls … `9xx` random scripts).
 * JSON: `{agreeing, ops, agree, scripts, notModelled, sections: [{section, name, scripts, agree,
 * ops, agreeing}], otherRelease: [{name, release, rule}],
 * disagree: [{name, first, reason}]}`.
 * @returns 0 when the model agrees with every operation of every truth (those from another
 *   build apart), 1 otherwise (also while some are not modelled yet)
 */
export function conformanceCommand(dir: string, opts: ConformanceOptions, env: CliEnv): number {
  if (!existsSync(join(dir, 'RELEASE'))) throw new CliError(`${dir}: no conformance corpus here (RELEASE is missing)`);
  const show = /^\d+$/.test(opts.show) ? Number(opts.show) : NaN;
  if (!Number.isSafeInteger(show)) throw new CliError(`--show: not a non-negative integer: ${opts.show}`);
  const variant = kernelVariantOption(opts.variant);
  const verdicts = loadCorpus(dir).map((e) => judgeEntry(e, variant));
  const ops = verdicts.reduce((n, v) => n + v.ops, 0);
  const agreeing = verdicts.reduce((n, v) => n + v.agreeing, 0);
  const disagree = verdicts.filter((v) => v.status === 'disagree');
  if (opts.json) {
    env.stdout.write(`${jsonText({
      agreeing, ops, agree: verdicts.filter((v) => v.status === 'agree').length, scripts: verdicts.length,
      notModelled: verdicts.filter((v) => v.status === 'not-modelled').map((v) => v.name),
      sections: sectionTotals(verdicts),
      otherRelease: verdicts.filter((v) => v.status === 'other-release').map((v) => ({ name: v.name, release: v.release, rule: v.rule })),
      disagree: disagree.map((v) => ({ name: v.name, first: v.first ?? null, reason: v.reason ?? null })),
    })}\n`);
  } else {
    env.stdout.write(`${conformanceSummary(verdicts)}\nby corpus section:\n${sectionLines(verdicts).join('\n')}\n`);
    for (const v of disagree.slice(0, show)) {
      const where = v.first === undefined ? v.reason ?? '' : `i ${v.first.i}, line ${v.first.line}: ${v.first.op}`;
      env.stdout.write(`${v.name}: ${where}\n`);
      for (const [name, [model, kernel]] of Object.entries(v.first?.fields ?? {})) {
        env.stdout.write(`  ${name}: model ${fieldText(name, model)} | kernel ${fieldText(name, kernel)}\n`);
      }
    }
  }
  return verdicts.every((v) => v.status === 'agree' || v.status === 'other-release') ? 0 : 1;
}
