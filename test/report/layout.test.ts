import { describe, expect, it } from 'vitest';
import { layoutText } from '../../src/report/index.js';

describe('layoutText', () => {
  it('joins runs of order-0 folios and marks not-uptodate ones', () => {
    expect(layoutText([[0, 3, 1], [8, 0, 1], [9, 0, 1], [10, 1, 0]])).toBe('0:3 8-9:0 10:1!');
  });

  it('shows the first `limit` runs of a large cache and counts every folio', () => {
    const folios = Array.from({ length: 1000 }, (_, k) => [k * 2, 1, 1] as const);
    expect(layoutText(folios, 3)).toBe('0:1 2:1 4:1 … (1000 folios)');
  });

  it('shows a walk of a page cache as it shows a list, reading no further than the runs it shows when given the count', () => {
    const list = Array.from({ length: 1000 }, (_, k) => [k < 500 ? k : 2 * k, 0, 1] as const);
    let read = 0;
    function* walk(): Generator<readonly [number, number, 0 | 1]> {
      for (const f of list) {
        read++;
        yield f;
      }
    }
    expect(layoutText(walk(), 3, 1000)).toBe(layoutText(list, 3));
    read = 0;
    expect(layoutText(walk(), 3, 1000)).toBe('0-499:0 1000:0 1002:0 … (1000 folios)');
    // The order-0 run of 500, two single folios, and the one that shows the cache goes on.
    expect(read).toBe(503);
    // Without the count, the rest is read to count it; a short walk is shown whole.
    read = 0;
    expect(layoutText(walk(), 3)).toBe('0-499:0 1000:0 1002:0 … (1000 folios)');
    expect(read).toBe(1000);
    expect(layoutText(walk(), 600)).toBe(layoutText(list, 600));
  });
});
