import { describe, expect, it } from 'vitest';
import { Folio, folioNextIndex, folioPos, folioSize } from '../../src/model/folio.js';
import type { FileId, FolioId } from '../../src/model/index.js';
import { pageOf, pagesCeil } from '../../src/model/units.js';

const folio = (index: number, order: number): Folio => new Folio(7 as FolioId, 2 as FileId, index, order);

describe('Folio (order, flags and pins packed in one number)', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])('keeps order %i through every flag and pin change', (order) => {
    const f = folio(512, order);
    expect([f.order, f.uptodate, f.reclaimMarked, f.pins]).toEqual([order, false, false, 0]);
    f.uptodate = true;
    f.pins = 3;
    f.reclaimMarked = true;
    expect([f.order, f.uptodate, f.reclaimMarked, f.pins]).toEqual([order, true, true, 3]);
    f.reclaimMarked = false;
    f.pins--;
    expect([f.order, f.uptodate, f.reclaimMarked, f.pins]).toEqual([order, true, false, 2]);
    f.uptodate = true;
    f.reclaimMarked = false;
    expect([f.order, f.uptodate, f.reclaimMarked, f.pins]).toEqual([order, true, false, 2]);
  });

  it('counts pins past 2^25 without touching the order or the flags', () => {
    const f = folio(0, 9);
    f.uptodate = true;
    f.pins = 2 ** 40 + 1;
    f.pins++;
    expect([f.order, f.uptodate, f.reclaimMarked, f.pins]).toEqual([9, true, false, 2 ** 40 + 2]);
    f.reclaimMarked = true;
    expect([f.order, f.uptodate, f.reclaimMarked, f.pins]).toEqual([9, true, true, 2 ** 40 + 2]);
  });

  it('gives the byte position and size of folios past 2^53 bytes exactly', () => {
    const f = folio(2 ** 50, 9);
    expect(folioPos(f)).toBe(2n ** 62n);
    expect(folioSize(f)).toBe(2n ** 21n);
    expect(folioNextIndex(f)).toBe(2 ** 50 + 512);
    expect(folioPos(folio(3, 0))).toBe(12288n);
  });
});

describe('pageOf and pagesCeil (numbers below 2^53, bigints above)', () => {
  it.each([0n, 1n, 4095n, 4096n, 4097n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 4095n, 2n ** 62n + 1n, -1n, -4096n, -4097n])(
    'agrees with the exact bigint shift for %s', (pos) => {
      expect(pageOf(pos)).toBe(Number(pos >> 12n));
      expect(pagesCeil(pos)).toBe(Number((pos + 4095n) >> 12n));
    },
  );
});
