import { layoutText, statsText } from '../report/index.js';
import type { BlindRun, FolioTriple, StatsDelta } from '../script/index.js';
import { jsonText } from './json.js';

/**
 * One §2 field's value as people read it: layouts in kernel.md notation (`0:8 272-273:0`),
 * blind runs as `pgoff+npages`, stats as `64kB.split+1`, anything else as JSON. Pure.
 */
export function fieldText(name: string, v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (name === 'folios') return layoutText(v as FolioTriple[], 64);
  if (name === 'blind') return (v as BlindRun[]).map(([p, n]) => `${p}+${n}`).join(' ') || '(none)';
  if (name === 'stats') return statsText(v as StatsDelta) || '(none)';
  return typeof v === 'string' ? v : jsonText(v);
}
