import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli/_cli.js';

// A PMD folio written whole, pinned, then punched in part: the split fails and the folio stays.
// Under per-block the punched pages stop being uptodate (folio_uptodate_cleared), so the report's
// "pages holding no data" line holds the folio from the punch until a write fills it again.
const SCRIPT = `mount tmpfs huge=always
pwrite 0 2m
mmap
pin 0 4k
fpunch 1m 64k
pread 0 4k
pwrite 1m 64k
`;

interface PageData {
  readonly memory: { readonly i: readonly number[]; readonly resident: readonly number[]; readonly noData: readonly number[] };
  readonly folios: ReadonlyArray<ReadonlyArray<unknown>> | null;
}

/** The data the report page embeds (`<script id="data">`). */
function pageData(html: string): PageData {
  const m = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as PageData;
}

describe('report: pages holding no data under per-block', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('counts a folio a punch left partly uptodate until a write fills it; 6.18 never does', async () => {
    const script = tmp.file('punched.fl', SCRIPT);
    const db = tmp.file('r.db');
    const noData: Record<string, readonly number[]> = {};
    for (const [run, policy] of [[1, 'linux-6.18'], [2, 'per-block']] as const) {
      expect((await cli('run', script, '--db', db, '--policy', policy)).code).toBe(0);
      const out = tmp.file(`run-${run}.html`);
      expect((await cli('report', String(run), '--db', db, '--out', out)).code).toBe(0);
      const data = pageData(readFileSync(out, 'utf8'));
      expect(data.memory.i).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(data.memory.resident).toEqual([0, 512, 512, 512, 512, 512, 512]);
      noData[policy] = data.memory.noData;
    }
    expect(noData['linux-6.18']).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // After the punch (4) and the read (5) the folio is not uptodate; the write (6) fills it.
    expect(noData['per-block']).toEqual([0, 0, 0, 0, 512, 512, 0]);
  });
});
