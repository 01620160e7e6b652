// The event-log hash of every corpus script, as `foliolog run FILE --db DB` prints it: one
// line `NAME STATUS EVENTS SHA256` per script. A change that must not alter the model's
// behaviour leaves this output byte-identical (a refactor, an optimisation).
//
//   npm run build
//   node bench/event-hashes.mjs > /tmp/before.txt      # on the old build
//   node bench/event-hashes.mjs --compare /tmp/before.txt   # on the new build: exit 1 on a change
//
// Scripts run in parallel, one CLI process each, each with its own temporary store.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HERE = resolve(import.meta.dirname, '..');
const corpus = join(HERE, 'test/conformance');
const bin = join(HERE, 'dist/src/cli/bin.js');
const compareWith = process.argv[2] === '--compare' ? process.argv[3] : undefined;
const dir = mkdtempSync(join(tmpdir(), 'foliolog-hashes-'));
const files = readdirSync(corpus).filter((f) => f.endsWith('.fl')).sort();
const SUMMARY = /^run \d+: (\w+), \d+ ops, (\d+) events, event-log sha256 ([0-9a-f]{64})/m;

/** One script's summary line, from the CLI's stderr. */
function hashOf(file, n) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, 'run', join(corpus, file), '--db', join(dir, `${n}.db`)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      const m = SUMMARY.exec(err);
      done(m ? `${file} ${m[1]} ${m[2]} ${m[3]}` : `${file} exit-${code} ${err.trim().split('\n').pop() ?? ''}`);
    });
  });
}

const out = new Array(files.length);
let next = 0;
async function worker() {
  while (next < files.length) {
    const n = next++;
    out[n] = await hashOf(files[n], n);
  }
}
await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
rmSync(dir, { recursive: true, force: true });

if (compareWith === undefined) {
  process.stdout.write(`${out.join('\n')}\n`);
} else {
  const before = readFileSync(compareWith, 'utf8').trimEnd().split('\n');
  let changed = 0;
  for (const [k, line] of out.entries()) {
    if (before[k] !== line) {
      changed++;
      process.stdout.write(`- ${before[k] ?? '(none)'}\n+ ${line}\n`);
    }
  }
  if (before.length !== out.length) changed++;
  process.stdout.write(`${files.length} scripts, ${changed} changed\n`);
  process.exitCode = changed === 0 ? 0 : 1;
}
