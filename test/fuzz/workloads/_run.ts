import type { Command, Script } from '../../../src/script/index.js';
import { parseScript } from '../../../src/script/index.js';
import { simulate } from '../../../src/sim/index.js';

/** What a generated script did on the model, with the oracle on. */
export interface Outcome {
  readonly failure: string | undefined;
  /** Per-size counters summed over the run: `2048kB.split_failed` → 3. */
  readonly stats: Readonly<Record<string, number>>;
  /** The largest order any command left in the page cache. */
  readonly maxOrder: number;
  /** Commands that returned an errno (or SIGBUS), by name. */
  readonly errnos: Readonly<Record<string, number>>;
  /** The same, by the command's first two words and the errno: `seek -d ENXIO` → 2. */
  readonly failed: Readonly<Record<string, number>>;
}

/** Run `text` on the model, checking the oracle after every command. */
export function outcome(text: string): Outcome {
  const stats: Record<string, number> = {};
  const errnos: Record<string, number> = {};
  const failed: Record<string, number> = {};
  let maxOrder = 0;
  const r = simulate(parseScript(text, 'gen.fl'), {
    keepObservations: false,
    onObservation: (o) => {
      for (const [size, counters] of Object.entries(o.stats)) {
        for (const [name, n] of Object.entries(counters)) stats[`${size}.${name}`] = (stats[`${size}.${name}`] ?? 0) + n;
      }
      for (const [, order] of o.folios) maxOrder = Math.max(maxOrder, order);
      if (typeof o.ret !== 'string') return;
      errnos[o.ret] = (errnos[o.ret] ?? 0) + 1;
      const key = `${o.op.split(' ').slice(0, 2).join(' ')} ${o.ret}`;
      failed[key] = (failed[key] ?? 0) + 1;
    },
  });
  return { failure: r.failure?.message, stats, maxOrder, errnos, failed };
}

/** The commands of a generated script, parsed (which also proves it parses). */
export function commands(text: string): Command[] {
  return parseScript(text, 'gen.fl').lines.map((l) => l.command);
}

/** The parsed script. */
export function parsed(text: string): Script {
  return parseScript(text, 'gen.fl');
}
