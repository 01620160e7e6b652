import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Layer → what it may import (style.md §1): other layers by folder, packages by name. */
const RULES: Record<string, { layers: string[]; packages: string[]; node: boolean }> = {
  'src/model': { layers: [], packages: [], node: false },
  machines: { layers: ['src/model'], packages: ['xstate'], node: false },
  'src/script': { layers: ['src/model'], packages: ['pure-rand'], node: false },
  'src/sim': { layers: ['src/model', 'machines', 'src/script'], packages: ['pure-rand'], node: false },
  'src/fuzz': { layers: ['src/model', 'src/script', 'src/sim'], packages: ['pure-rand'], node: false },
  'src/probe': { layers: ['src/script'], packages: [], node: true },
  'src/store': { layers: ['src/model', 'src/script'], packages: ['kysely', 'better-sqlite3', 'pg', 'pg-copy-streams'], node: true },
  // Fuzz campaigns' job queue (issue 13): pg-boss, and the pure cutting of a seed range into chunks.
  'src/campaign': { layers: [], packages: ['pg-boss'], node: true },
  'src/query': { layers: ['src/store', 'src/script', 'src/model'], packages: [], node: false },
  'src/report': { layers: ['src/query', 'src/script'], packages: ['vega', 'vega-lite', 'cli-progress'], node: false },
  'src/cli': {
    layers: ['src/model', 'machines', 'src/script', 'src/sim', 'src/fuzz', 'src/probe', 'src/store', 'src/campaign', 'src/query', 'src/report'],
    packages: ['commander'], node: true,
  },
  migrations: { layers: [], packages: ['kysely'], node: false },
  // The benchmark drives every layer in-process and measures against raw better-sqlite3 (and raw pg, --postgres).
  'src/bench': {
    layers: ['src/model', 'machines', 'src/script', 'src/sim', 'src/probe', 'src/store', 'src/query', 'src/report', 'src/cli'],
    packages: ['better-sqlite3', 'pg', 'pg-copy-streams'], node: true,
  },
};

function sources(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return []; // a layer whose issue has not landed yet
  return readdirSync(abs).flatMap((name) => {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) return sources(join(dir, name));
    return name.endsWith('.ts') ? [join(dir, name)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push((m[1] ?? m[2])!);
  }
  return specs;
}

function layerOf(path: string): string | undefined {
  return Object.keys(RULES).find((l) => path === l || path.startsWith(`${l}/`));
}

/** Every forbidden edge of one layer, as `file → spec (why)`. */
function violations(layer: string): string[] {
  const rule = RULES[layer]!;
  const out: string[] = [];
  for (const file of sources(layer)) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, file, '..', spec));
        const to = layerOf(target);
        if (to === layer) continue;
        if (!to || !rule.layers.includes(to)) out.push(`${file} → ${spec} (layer ${to ?? target} not allowed)`);
        else if (!target.endsWith('/index.js')) out.push(`${file} → ${spec} (import ${to} through its index.js)`);
      } else if (spec.startsWith('node:')) {
        if (!rule.node) out.push(`${file} → ${spec} (no node:* here)`);
      } else {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!rule.packages.includes(pkg)) out.push(`${file} → ${spec} (package ${pkg} not allowed)`);
      }
    }
  }
  return out;
}

describe('architecture (style.md §1 import arrows)', () => {
  it.each(Object.keys(RULES))('%s imports only what its layer may', (layer) => {
    expect(violations(layer)).toEqual([]);
  });

  it('each store backend keeps its driver in its own folder (style.md: Backends)', () => {
    // pg and pg-copy-streams only under src/store/postgres/, which never touches better-sqlite3; the engine-neutral
    // files of src/store import neither pg nor the folders' private files.
    const store = sources('src/store');
    const offenders = store.flatMap((f) => importsOf(f).flatMap((spec) => {
      const inPg = f.startsWith('src/store/postgres/');
      if ((spec === 'pg' || spec === 'pg-copy-streams') && !inPg) return [`${f} → ${spec} (only src/store/postgres/ may)`];
      if (spec === 'better-sqlite3' && inPg) return [`${f} → better-sqlite3 (not in src/store/postgres/)`];
      if (/^\.\/(?:sqlite|postgres)\/(?!index\.js$)/.test(spec)) return [`${f} → ${spec} (through the backend's index.js)`];
      return [];
    }));
    expect(offenders).toEqual([]);
  });

  it('the model reads no clock and no ambient randomness', () => {
    const offenders = sources('src/model').filter((f) => /\bDate\b|Math\.random|console\./.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('index files hold only explicit named re-exports', () => {
    const indexes = Object.keys(RULES).flatMap((l) => sources(l)).filter((f) => f.endsWith('/index.ts'));
    const bad = indexes.filter((f) => readFileSync(join(ROOT, f), 'utf8').split('\n')
      .some((line) => line.trim() !== '' && !/^export (type )?\{/.test(line.trim()) && !/^[\w\s,}]+$/.test(line.trim()) && !line.trim().startsWith('}')));
    expect(bad).toEqual([]);
  });

  it('only *.kernel.test.ts files reach the live kernel, so npm test changes no knob unless asked', () => {
    // The kernel project runs these one at a time, and their gate (test/probe/_kernel.ts) skips
    // them unless FOLIOLOG_KERNEL_TESTS=1.
    const LIVE = /\b(runOnKernel|HelperProcess|kernelCommand|writeFileSync\(\s*['"`]\/sys\/|mount\()\b|from '\.\.?\/(?:probe\/)?_kernel\.js'|\[BIN, 'kernel'/;
    const offenders = sources('test').filter((f) => !f.endsWith('.kernel.test.ts') && f !== join('test', 'probe', '_kernel.ts') && f !== 'test/architecture.test.ts'
      && LIVE.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
