/**
 * folio_split / split_folio (src/model/split.ts): the exact non-uniform split of kernel.md §3.4,
 * checked like the kernel's split selftest over every order and split point; the uniform split;
 * and what a split does to the page cache, the counters and the event log (pieces in index
 * order naming their parent, uptodate rebuilt from events, pieces past max(EOF, fallocend)
 * dropped, a pinned folio refused).
 */
import { describe, expect, it } from 'vitest';
import { HPAGE_PMD_ORDER } from '../../src/model/arch.js';
import type { ModelEvent } from '../../src/model/events.js';
import type { Folio } from '../../src/model/folio.js';
import type { Inode } from '../../src/model/inode.js';
import { Shmem } from '../../src/model/shmem.js';
import { folioSplit, nonUniformSplitPieces, splitFolio, uniformSplitPieces } from '../../src/model/split.js';
import type { SplitPiece } from '../../src/model/split.js';
import { folios, layout } from './_helpers.js';

/** Pieces as layout notation (every piece uptodate). */
function piecesLayout(pieces: readonly SplitPiece[]): string {
  return layout(pieces.map(([index, order]) => [index, order, 1] as const));
}

/** A model with one file holding `ops`' folios, and the events emitted after setup. */
function setup(lines: readonly string[]): { model: Shmem; file: Inode; events: ModelEvent[] } {
  const events: ModelEvent[] = [];
  let recording = false;
  const model = new Shmem({ emit: (e) => { if (recording) events.push(e); } });
  for (const line of lines) {
    const [cmd, ...args] = line.split(' ');
    if (cmd === 'mount') model.mountTmpfs(args[0]!.slice(5), args[1] ? BigInt(args[1].slice(5)) : undefined);
    if (cmd === 'pwrite') model.pwrite(0xcd, BigInt(args[0]!), BigInt(args[1]!));
    if (cmd === 'falloc') model.fallocate(true, BigInt(args[0]!), BigInt(args[1]!));
  }
  recording = true;
  return { model, file: model.currentFile!, events };
}

function only(file: Inode): Folio {
  const all = [...file.cache.all()];
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('nonUniformSplitPieces: kernel.md §3.4 examples', () => {
  it.each([
    [256, '0:8 256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7'],
    [0, '0-1:0 2:1 4:2 8:3 16:4 32:5 64:6 128:7 256:8'],
    [511, '0:8 256:7 384:6 448:5 480:4 496:3 504:2 508:1 510-511:0'],
  ])('splits (0, 9) around page %i into %s', (at, expected) => {
    expect(piecesLayout(nonUniformSplitPieces(0, 9, at))).toBe(expected);
  });
});

describe('nonUniformSplitPieces: every order, every split point', () => {
  for (let order = 1; order <= HPAGE_PMD_ORDER; order++) {
    it(`covers an order-${order} folio exactly with order+1 aligned pieces, the split page alone`, () => {
      const nr = 2 ** order;
      const index = 3 * nr; // not at 0, to catch offsets mixed up with indexes
      for (let at = index; at < index + nr; at++) {
        const pieces = nonUniformSplitPieces(index, order, at);
        expect(pieces).toHaveLength(order + 1);
        let next = index;
        for (const [i, o] of pieces) {
          expect(i).toBe(next);
          expect(i % 2 ** o).toBe(0);
          expect(o).toBeLessThan(order);
          next = i + 2 ** o;
        }
        expect(next).toBe(index + nr);
        expect(pieces).toContainEqual([at, 0]);
        // One piece of each order below `order`, plus the second order-0 piece.
        expect(pieces.map(([, o]) => o).sort((a, b) => a - b)).toEqual([0, ...Array.from({ length: order }, (_, o) => o)]);
      }
    });
  }
});

describe('uniformSplitPieces', () => {
  it.each(Array.from({ length: HPAGE_PMD_ORDER }, (_, k) => k + 1))('cuts an order-%i folio into order-0 pieces', (order) => {
    const pieces = uniformSplitPieces(2 ** order, order, 0);
    expect(pieces).toEqual(Array.from({ length: 2 ** order }, (_, k) => [2 ** order + k, 0]));
  });
});

describe('folioSplit: page cache, counters and events', () => {
  it('replaces the folio by its pieces, counts split for its order, keeps blocks', () => {
    const { model, file } = setup(['mount huge=always', 'pwrite 0 2097152']);
    expect(folioSplit(model, file, only(file), 256, 'punch')).toBe(true);
    expect(model.folios()).toEqual(folios('0:8 256-257:0 258:1 260:2 264:3 272:4 288:5 320:6 384:7'));
    expect(model.stats.get(9, 'split')).toBe(1);
    expect(model.blocks()).toBe(4096n);
  });

  it('emits folio_split, then folio_added (cause split, parent) and folio_marked_uptodate per piece in index order', () => {
    const { model, file, events } = setup(['mount huge=always', 'pwrite 0 2097152']);
    const parent = only(file);
    folioSplit(model, file, parent, 0, 'punch');
    expect(events[0]).toEqual({ type: 'folio_split', folio: parent.id, order: 0 });
    const added = events.filter((e) => e.type === 'folio_added');
    expect(added.map((e) => [e.index, e.order])).toEqual(nonUniformSplitPieces(0, 9, 0));
    for (const e of added) expect(e).toMatchObject({ parent: parent.id, cause: 'split' });
    const pairs = events.slice(1).map((e) => e.type);
    expect(pairs).toEqual(added.flatMap(() => ['folio_added', 'folio_marked_uptodate']));
  });

  it('leaves the pieces of a not-uptodate folio not uptodate (no uptodate events)', () => {
    const { model, file, events } = setup(['mount huge=always', 'falloc 0 8192']);
    folioSplit(model, file, only(file), 0, 'punch');
    expect(events.some((e) => e.type === 'folio_marked_uptodate')).toBe(false);
    // fallocend 2 keeps pieces below page 2; the origin piece at 0 always stays.
    expect(model.folios()).toEqual(folios('0-1:0*'));
  });

  it('drops the pieces at or past max(EOF, fallocend), never the piece at the folio index', () => {
    const { model, file, events } = setup(['mount huge=always', 'pwrite 0 4096']);
    const parent = only(file);
    folioSplit(model, file, parent, 100, 'punch');
    expect(model.folios()).toEqual(folios('0:6'));
    expect(model.blocks()).toBe(512n);
    const removed = events.filter((e) => e.type === 'folio_removed');
    expect(removed).toHaveLength(9);
  });

  it('refuses a pinned folio: split_failed for its order, folio_split_failed, nothing changed', () => {
    const { model, file, events } = setup(['mount huge=always', 'pwrite 0 2097152']);
    const folio = only(file);
    folio.pins = 1;
    expect(folioSplit(model, file, folio, 256, 'punch')).toBe(false);
    expect(events).toEqual([{ type: 'folio_split_failed', folio: folio.id }]);
    expect(model.stats.get(9, 'split_failed')).toBe(1);
    expect(model.stats.get(9, 'split')).toBe(0);
    expect(model.folios()).toEqual(folios('0:9'));
  });
});

describe('splitFolio (uniform)', () => {
  it('splits to order 0, drops pieces past EOF, counts split for the order', () => {
    const { model, file } = setup(['mount huge=always', 'pwrite 0 1052672']);
    expect(splitFolio(model, file, only(file), 'reclaim')).toBe(true);
    expect(model.folios()).toEqual(folios('0-256:0'));
    expect(model.stats.get(9, 'split')).toBe(1);
    expect(model.blocks()).toBe(257n * 8n);
  });

  it('refuses a pinned folio with split_failed', () => {
    const { model, file } = setup(['mount huge=always', 'pwrite 0 4096']);
    only(file).pins = 2;
    expect(splitFolio(model, file, only(file), 'reclaim')).toBe(false);
    expect(model.stats.get(9, 'split_failed')).toBe(1);
  });
});
