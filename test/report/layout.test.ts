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
});
