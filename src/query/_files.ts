import type { FileRow } from '../store/index.js';

/**
 * The file a query reads: `wanted` by name, or `#ID` for a file id, else the `current` one
 * (undefined when there is none). `fail` makes the query's own error for the user's mistake:
 * a name no file has, or one that several files share. Pure.
 */
export function resolveFile(files: readonly FileRow[], wanted: string | undefined, current: number | null,
  fail: (message: string) => Error): FileRow | undefined {
  if (wanted === undefined) return files.find((f) => f.id === current);
  const byId = /^#(\d+)$/.exec(wanted);
  const hits = byId !== null ? files.filter((f) => f.id === Number(byId[1])) : files.filter((f) => f.name === wanted);
  if (hits.length === 0) throw fail(`run has no file ${wanted} (files: ${files.map((f) => `#${f.id} ${f.name}`).join(', ') || 'none'})`);
  if (hits.length > 1) throw fail(`${hits.length} files are named ${wanted}: say which with --file #ID (${hits.map((f) => `#${f.id} on mount ${f.mount}`).join(', ')})`);
  return hits[0];
}
