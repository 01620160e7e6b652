import { InvariantError, type KernelVariant, UnsupportedError } from '../model/index.js';
import type { Observation, Script } from '../script/index.js';
import { parseScript } from '../script/index.js';
import { type SimOptions, type SimResult, Simulation } from './simulation.js';
import { firstUnsupportedLine } from './support.js';

/**
 * Run a parsed script over the model (Linux 6.18 huge settings) to its end, command by command,
 * checking the oracle after each one: a `Simulation` stepped until it is done. Deterministic:
 * the same script gives the same events and observations. The caller refuses scripts with
 * unsupported lines first (`firstUnsupportedLine`).
 */
export function simulate(script: Script, opts: SimOptions = {}): SimResult {
  const sim = new Simulation(script, opts);
  while (sim.step());
  return sim.result();
}

/**
 * Parse and simulate script text; throws on a script error, an unsupported line or a failed
 * check. Meant for tests and examples.
 * @returns the §2 observations, one per command line.
 */
export function simulateText(text: string, opts: { readonly file?: string; readonly check?: boolean; readonly variant?: KernelVariant } = {}): Observation[] {
  const script = parseScript(text, opts.file ?? 'script.fl');
  const unsupported = firstUnsupportedLine(script);
  if (unsupported) throw new UnsupportedError(`${script.file}:${unsupported.line.line}: not supported yet: ${unsupported.what}`);
  const r = simulate(script, { ...(opts.check === undefined ? {} : { check: opts.check }), ...(opts.variant ? { variant: opts.variant } : {}) });
  if (r.failure) throw new (r.failure.kind === 'unsupported' ? UnsupportedError : InvariantError)(r.failure.message);
  return [...r.observations];
}
