#!/usr/bin/env node
// Records the truth of the conformance corpus on this machine's kernel (root; `npm run build`
// first: it builds the probe helper too). Never edit a truth file by hand: rerun this instead.
//
//   node test/conformance/record.mjs [NAME ...]        record every script, or only those named
//
// Each script runs twice through the built CLI (`foliolog kernel SCRIPT --json`); its truth,
// NNN-name.truth.jsonl, is the §2 JSON Lines exactly as printed. A script whose two recordings
// differ (or that printed a warning about what it observed, or failed) is not kept: it moves
// to unstable/ and UNSTABLE.md says why. Recording every script writes `uname -r` to RELEASE
// and empties RELEASES; recording some writes, in RELEASES, the release of each one kept when
// it differs from RELEASE (`NAME RELEASE` lines), so every truth keeps the release it was
// recorded on.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const { compareObservations, parseObservation } = await import(join(ROOT, 'dist/src/script/index.js'));

const names = process.argv.slice(2).map((n) => n.replace(/\.fl$/, ''));
const all = readdirSync(HERE).filter((f) => /^\d{3}-.*\.fl$/.test(f)).map((f) => f.slice(0, -3)).sort();
const todo = names.length > 0 ? names : all;
const tmp = mkdtempSync(join(tmpdir(), 'foliolog-record-'));

/** One recording: the JSON Lines, the line-specific warnings, and a failure if any. */
function record(name) {
  const script = relative(ROOT, join(HERE, `${name}.fl`));
  const db = join(tmp, 'record.db');
  const r = spawnSync(process.execPath, [BIN, 'kernel', script, '--json', '--db', db], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const warnings = r.stderr.split('\n').filter((l) => l.startsWith('foliolog: warning: ') && l.includes(`${script}:`));
  const failure = r.status === 0 ? undefined : `exit ${r.status}: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
  return { out: r.stdout, warnings, failure };
}

/** Why two recordings differ: the first operation and its fields. */
function why(a, b) {
  const x = a.split('\n').filter(Boolean);
  const y = b.split('\n').filter(Boolean);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (x[i] === undefined || y[i] === undefined) return `recording ${x[i] === undefined ? 1 : 2} stops before operation ${i}`;
    const fields = compareObservations(parseObservation(x[i]), parseObservation(y[i]));
    const shown = Object.keys(fields).length > 0 ? Object.keys(fields).join(', ') : 'text only';
    return `operation ${i} differs (${shown}):\n  1: ${x[i]}\n  2: ${y[i]}`;
  }
  return 'identical';
}

function unstable(name, reason) {
  mkdirSync(join(HERE, 'unstable'), { recursive: true });
  renameSync(join(HERE, `${name}.fl`), join(HERE, 'unstable', `${name}.fl`));
  const truth = join(HERE, `${name}.truth.jsonl`);
  if (existsSync(truth)) unlinkSync(truth);
  appendFileSync(join(HERE, 'UNSTABLE.md'), `\n## ${name}\n\nRecorded on ${release()}; moved to unstable/${name}.fl. ${reason}\n`);
  console.log(`${name}: NOT KEPT: ${reason.split('\n')[0]}`);
}

/** RELEASES: truths recorded on another release than RELEASE, `NAME RELEASE` per line. */
function readReleases() {
  const path = join(HERE, 'RELEASES');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  return new Map(text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.trim().split(/\s+/)));
}

function writeReleases(map) {
  const path = join(HERE, 'RELEASES');
  if (map.size === 0) {
    if (existsSync(path)) unlinkSync(path);
    return;
  }
  const lines = [...map].sort(([a], [b]) => a.localeCompare(b)).map(([n, r]) => `${n} ${r}`);
  writeFileSync(path, `# truths recorded on another release than RELEASE (written by record.mjs)\n${lines.join('\n')}\n`);
}

let kept = 0;
try {
  for (const name of todo) {
    const a = record(name);
    const b = a.failure === undefined ? record(name) : a;
    if (a.failure !== undefined || b.failure !== undefined) unstable(name, `The kernel run failed: ${a.failure ?? b.failure}`);
    else if (a.out !== b.out) unstable(name, `The two recordings differ: ${why(a.out, b.out)}`);
    else if (a.warnings.length + b.warnings.length > 0) unstable(name, `The probe warned: ${[...a.warnings, ...b.warnings].join(' | ')}`);
    else {
      writeFileSync(join(HERE, `${name}.truth.jsonl`), a.out);
      kept++;
      console.log(`${name}: ok (${a.out.split('\n').filter(Boolean).length} operations)`);
    }
  }
  if (names.length === 0) {
    writeFileSync(join(HERE, 'RELEASE'), `${release()}\n`);
    writeReleases(new Map());
  } else {
    const base = readFileSync(join(HERE, 'RELEASE'), 'utf8').trim();
    const releases = readReleases();
    for (const name of todo.filter((n) => existsSync(join(HERE, `${n}.truth.jsonl`)))) {
      if (release() === base) releases.delete(name);
      else releases.set(name, release());
    }
    writeReleases(releases);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`kept ${kept} of ${todo.length}`);
