#!/usr/bin/env node
// One-off corpus rewrite (kept to show what was changed): MADV_REMOVE was `madvise -r` and is
// now `madvise -R`, because xfs_io's `-r` is MADV_RANDOM. Only that command text changes: the
// `-r` of each `madvise -r` line of a script, and the same word in the `op` field of its
// truth lines. Every other byte stays as recorded. Idempotent.
//
//   node test/conformance/rewrite-madvise-remove.mjs
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const LINE = /^(\s*(?:\[[A-Z]\]\s*)?madvise[ \t]+)-r(?=[ \t]|#|$)/;
const OP = /("op":"(?:\[[A-Z]\] )?madvise[ \t]+)-r(?=[ \t"])/;

let files = 0;
let lines = 0;
for (const dir of [HERE, join(HERE, 'unstable')]) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    continue;
  }
  for (const f of names.filter((n) => n.endsWith('.fl') || n.endsWith('.truth.jsonl'))) {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const re = f.endsWith('.fl') ? LINE : OP;
    let changed = 0;
    const out = text.split('\n').map((l) => (re.test(l) ? (changed++, l.replace(re, '$1-R')) : l)).join('\n');
    if (changed > 0) {
      writeFileSync(path, out);
      files++;
      lines += changed;
      console.log(`${f}: ${changed} line(s)`);
    }
  }
}
console.log(`rewrote ${lines} line(s) in ${files} file(s)`);
