// Model-only cost of a long single-task run: the simulator with its oracle, no store. Two
// workloads of 40,001 commands each: the benchmark mix (pwrite/fpunch/seek over 4 files) and
// a fault mix (mwrite/mread/fpunch/madvise -R over one mapped 16 MiB huge=always file), which
// goes through every steppable operation. Prints the median CPU time (user + system, less
// sensitive than wall time to other processes on the machine) of ROUNDS runs of each.
// DIST picks the build to measure (another commit's `dist`, to compare A/B); CHECK=0 leaves
// the oracle out (it costs ten times the model).
//
//   npm run build && CHECK=0 node bench/step-cost.mjs [ROUNDS] [DIST]
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(resolve(process.argv[3] ?? resolve(import.meta.dirname, '../dist'))).href;
const { parseScript } = await import(`${dist}/src/script/index.js`);
const { BENCH_MIX, mixText, simulate } = await import(`${dist}/src/sim/index.js`);

const COMMANDS = 40_001;
const rounds = Number(process.argv[2] ?? 5);

/** The fault mix: 4 KiB … 256 KiB faults and punches at random pages of a mapped 16 MiB file. */
function faultMix(n) {
  const rng = xoroshiro128plus(7);
  const lines = ['mount tmpfs huge=always', 'truncate 16m', 'mmap'];
  const words = ['mwrite', 'mread', 'fpunch', 'madvise -R'];
  while (lines.length < n) {
    const page = uniformInt(rng, 0, 4095);
    const pages = Math.min(uniformInt(rng, 1, 64), 4096 - page);
    lines.push(`${words[uniformInt(rng, 0, 3)]} ${page * 4096} ${pages * 4096}`);
  }
  return `${lines.join('\n')}\n`;
}

const workloads = [
  ['bench mix', parseScript(mixText(BENCH_MIX, COMMANDS), 'mix.fl')],
  ['fault mix', parseScript(faultMix(COMMANDS), 'faults.fl')],
];
for (const [name, script] of workloads) {
  const ms = [];
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const t = process.cpuUsage();
    const result = simulate(script, { keepObservations: false, check: process.env.CHECK !== '0' });
    const used = process.cpuUsage(t);
    ms.push((used.user + used.system) / 1000);
    if (result.failure) throw new Error(result.failure.message);
    events = result.events;
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  process.stdout.write(`${name}: ${script.lines.length} commands, ${events} events, median ${median.toFixed(0)} ms CPU (${ms.map((x) => x.toFixed(0)).join(' ')})\n`);
}
