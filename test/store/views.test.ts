import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseObservation } from '../../src/script/index.js';
import { simulateText } from '../../src/sim/index.js';
import type { SqlCell, Store } from '../../src/store/index.js';
import { recordKernel, recordModel } from '../query/_runs.js';
import { onPostgres, useBackend } from './_backend.js';
import { freshStorePerTest } from './_helpers.js';

/*
 * The documented views of migration 0003 (README "The store (for SQL users)"), on known runs
 * with exact rows, then checked against the model's own observations on random scripts.
 */

const KNOWN = [
  'mount tmpfs huge=always', 'pwrite 0 2m', 'mmap', 'pin 1m 4k', 'fpunch 1m 64k', 'seek -h 0', 'seek -d 1m', 'unpin',
  'fpunch 1m 64k', 'seek -h 0',
].join('\n');
const CORPUS = join(import.meta.dirname, '../conformance');
/** The sum of a folio_lifetimes row's `state_events` values, in each engine's JSON functions. */
const SUM_STATE_EVENTS = onPostgres ? 'select sum(value::bigint) from json_each_text(state_events::json)' : 'select sum(value) from json_each(state_events)';

useBackend();

let store: Store;
freshStorePerTest((s) => {
  store = s;
});

/** The rows of `text`, integers as plain numbers (every value here is small). */
function rows(text: string): unknown[][] {
  const toPlain = (v: SqlCell): unknown => (typeof v === 'bigint' ? Number(v) : v);
  return [...store.query(text).rows].map((r) => r.map(toPlain));
}

describe('event_log', () => {
  it('names every event, its operation, its folio\'s place and the file it is about', () => {
    const id = recordModel(store, KNOWN);
    const cols = 'seq, i, line, op, folio, file, file_name, pgoff, folio_order, event, from_state, to_state, arg';
    expect(rows(`select ${cols} from event_log where run_id = ${id} and (seq <= 13 or seq >= 46)`)).toEqual([
      [1, 0, 1, 'mount tmpfs huge=always', null, 1, 'f', null, null, 'file_created', null, null, 1],
      [2, 0, 1, 'mount tmpfs huge=always', null, 1, 'f', null, null, 'file_switched', null, null, 1],
      [3, 1, 2, 'pwrite 0 2m', 1, 1, 'f', 0, 9, 'folio_added', null, 'allocated', 9],
      [4, 1, 2, 'pwrite 0 2m', 1, 1, 'f', 0, 9, 'folio_marked_uptodate', 'allocated', 'allocated', null],
      [5, 1, 2, 'pwrite 0 2m', null, 1, 'f', null, null, 'i_size_changed', null, null, 2097152],
      [6, 3, 4, 'pin 1m 4k', 1, 1, 'f', 0, 9, 'folio_pinned', 'allocated', 'allocated', 1],
      [7, 4, 5, 'fpunch 1m 64k', 1, 1, 'f', 0, 9, 'folio_zeroed', 'allocated', 'partially-punched', 256],
      [8, 4, 5, 'fpunch 1m 64k', 1, 1, 'f', 0, 9, 'folio_split_failed', 'partially-punched', 'split-failed', null],
      [9, 7, 8, 'unpin', 1, 1, 'f', 0, 9, 'folio_unpinned', 'split-failed', 'split-failed', 0],
      [10, 8, 9, 'fpunch 1m 64k', 1, 1, 'f', 0, 9, 'folio_zeroed', 'split-failed', 'partially-punched', 256],
      [11, 8, 9, 'fpunch 1m 64k', 1, 1, 'f', 0, 9, 'folio_split', 'partially-punched', 'split', 0],
      [12, 8, 9, 'fpunch 1m 64k', 2, 1, 'f', 0, 8, 'folio_added', null, 'allocated', 8],
      [13, 8, 9, 'fpunch 1m 64k', 2, 1, 'f', 0, 8, 'folio_marked_uptodate', 'allocated', 'allocated', null],
      [46, 8, 9, 'fpunch 1m 64k', 6, 1, 'f', 260, 2, 'folio_removed', 'allocated', 'freed', null],
      [47, 8, 9, 'fpunch 1m 64k', 7, 1, 'f', 264, 3, 'folio_removed', 'allocated', 'freed', null],
    ]);
    expect(rows(`select count(*) from event_log where run_id = ${id}`)).toEqual([[47]]);
  });

  it('gives an i_size change the file current then, across open and mount', () => {
    const id = recordModel(store, 'mount tmpfs\npwrite 0 4k\nopen g\npwrite 0 8k\nopen f\ntruncate 0\nmount memfd\ntruncate 12k\n');
    expect(rows(`select i, event, file, file_name, arg from event_log where run_id = ${id} and folio is null`)).toEqual([
      [0, 'file_created', 1, 'f', 1], [0, 'file_switched', 1, 'f', 1], [1, 'i_size_changed', 1, 'f', 4096],
      [2, 'file_created', 2, 'g', 2], [2, 'file_switched', 2, 'g', 2], [3, 'i_size_changed', 2, 'g', 8192],
      [4, 'file_switched', 1, 'f', 1], [5, 'i_size_changed', 1, 'f', 0],
      [6, 'file_created', 3, 'f', 3], [6, 'file_switched', 3, 'f', 3], [7, 'i_size_changed', 3, 'f', 12288],
    ]);
  });
});

describe('folio_lifetimes', () => {
  it('gives each folio its place, birth, end, lifetime in operations, states in order and events spent in each', () => {
    const id = recordModel(store, KNOWN);
    const cols = 'folio, file, file_name, pgoff, folio_order, pages, parent, born_seq, born_i, ended_seq, ended_i, ended_state, lifetime_ops, states, state_events';
    expect(rows(`select ${cols} from folio_lifetimes where run_id = ${id}`)).toEqual([
      [1, 1, 'f', 0, 9, 512, null, 3, 1, 11, 8, 'split', 7, 'allocated,partially-punched,split-failed,partially-punched,split',
        '{"allocated":4,"partially-punched":2,"split-failed":2}'],
      [2, 1, 'f', 0, 8, 256, 1, 12, 8, null, null, null, null, 'allocated', '{"allocated":35}'],
      [3, 1, 'f', 256, 0, 1, 1, 14, 8, 43, 8, 'freed', 0, 'allocated,freed', '{"allocated":29}'],
      [4, 1, 'f', 257, 0, 1, 1, 16, 8, 44, 8, 'freed', 0, 'allocated,freed', '{"allocated":28}'],
      [5, 1, 'f', 258, 1, 2, 1, 18, 8, 45, 8, 'freed', 0, 'allocated,freed', '{"allocated":27}'],
      [6, 1, 'f', 260, 2, 4, 1, 20, 8, 46, 8, 'freed', 0, 'allocated,freed', '{"allocated":26}'],
      [7, 1, 'f', 264, 3, 8, 1, 22, 8, 47, 8, 'freed', 0, 'allocated,freed', '{"allocated":25}'],
      [8, 1, 'f', 272, 4, 16, 1, 24, 8, 32, 8, 'split', 0, 'allocated,split', '{"allocated":8}'],
      [9, 1, 'f', 288, 5, 32, 1, 26, 8, null, null, null, null, 'allocated', '{"allocated":21}'],
      [10, 1, 'f', 320, 6, 64, 1, 28, 8, null, null, null, null, 'allocated', '{"allocated":19}'],
      [11, 1, 'f', 384, 7, 128, 1, 30, 8, null, null, null, null, 'allocated', '{"allocated":17}'],
      [12, 1, 'f', 272, 0, 1, 8, 33, 8, null, null, null, null, 'allocated', '{"allocated":14}'],
      [13, 1, 'f', 273, 0, 1, 8, 35, 8, null, null, null, null, 'allocated', '{"allocated":12}'],
      [14, 1, 'f', 274, 1, 2, 8, 37, 8, null, null, null, null, 'allocated', '{"allocated":10}'],
      [15, 1, 'f', 276, 2, 4, 8, 39, 8, null, null, null, null, 'allocated', '{"allocated":8}'],
      [16, 1, 'f', 280, 3, 8, 8, 41, 8, null, null, null, null, 'allocated', '{"allocated":6}'],
    ]);
  });

  it('follows a folio through reclaim-candidate and a collapse', () => {
    const id = recordModel(store, 'mount tmpfs huge=always\npwrite 0 4k\ntruncate 8k\nreclaim\nthp hugepages-64kB=always\nmount anon 2m\nmread\nmadvise -c\n');
    expect(rows(`select folio, file, folio_order, born_seq, ended_seq, ended_state, states, state_events from folio_lifetimes
      where run_id = ${id} and folio in (1, 2, 514, 545, 546)`)).toEqual([
      [1, 1, 9, 3, 8, 'split', 'allocated,reclaim-candidate,split', '{"allocated":3,"reclaim-candidate":2}'],
      [2, 1, 0, 9, null, null, 'allocated', '{"allocated":1634}'],
      [514, 2, 4, 1546, 1611, 'collapsed-into', 'allocated,collapsed-into', '{"allocated":65}'],
      [545, 2, 4, 1608, 1642, 'collapsed-into', 'allocated,collapsed-into', '{"allocated":34}'],
      [546, 2, 9, 1610, null, null, 'collapsed', '{"collapsed":33}'],
    ]);
  });
});

describe('op_summary', () => {
  it('gives each operation its outcome, resident pages, the current file\'s folios per order and its counters', () => {
    const id = recordModel(store, KNOWN);
    const cols = 'i, line, op, task, ret, errno, size, blocks, resident, file, file_name, folios, folios_by_order, stats, last_seq';
    const after = '{"0":2,"1":1,"2":1,"3":1,"5":1,"6":1,"7":1,"8":1}';
    expect(rows(`select ${cols} from op_summary where run_id = ${id}`)).toEqual([
      [0, 1, 'mount tmpfs huge=always', null, 0, null, 0, 0, 0, 1, 'f', 0, '{}', '{}', 2],
      [1, 2, 'pwrite 0 2m', null, 2097152, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{"2048kB":{"shmem_alloc":1}}', 5],
      [2, 3, 'mmap', null, 0, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{}', 5],
      [3, 4, 'pin 1m 4k', null, 4096, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{}', 6],
      [4, 5, 'fpunch 1m 64k', null, 0, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{"2048kB":{"split_failed":1}}', 8],
      [5, 6, 'seek -h 0', null, 2097152, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{}', 8],
      [6, 7, 'seek -d 1m', null, 1048576, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{}', 8],
      [7, 8, 'unpin', null, 0, null, 2097152, 4096, 512, 1, 'f', 1, '{"9":1}', '{}', 9],
      [8, 9, 'fpunch 1m 64k', null, 0, null, 2097152, 3968, 496, 1, 'f', 9, after, '{"2048kB":{"split":1},"64kB":{"split":1}}', 47],
      [9, 10, 'seek -h 0', null, 1048576, null, 2097152, 3968, 496, 1, 'f', 9, after, '{}', 47],
    ]);
  });

  it('counts the folios of the file current after each operation, before any mount too', () => {
    const id = recordModel(store, 'thp shmem_enabled=always\nmount tmpfs huge=always\npwrite 0 2m\nopen g\npwrite 0 4k\nopen f\n');
    expect(rows(`select i, file_name, folios, folios_by_order, resident from op_summary where run_id = ${id}`)).toEqual([
      [0, null, 0, '{}', 0], [1, 'f', 0, '{}', 0], [2, 'f', 1, '{"9":1}', 512], [3, 'g', 0, '{}', 512],
      [4, 'g', 1, '{"9":1}', 1024], [5, 'f', 1, '{"9":1}', 1024],
    ]);
  });
});

describe('split_failures', () => {
  it('names the folio, the operation, the pins held and the operation that took them, and how long the folio lived on', () => {
    const id = recordModel(store, KNOWN);
    expect(rows(`select * from split_failures where run_id = ${id}`)).toEqual([
      [id, 8, 4, 5, 'fpunch 1m 64k', 1, 1, 'f', 0, 9, 512, 1, 6, 3, 4, 'pin 1m 4k', 11, 8, 'split', 4],
    ]);
    expect(store.query('select * from split_failures').columns).toEqual([
      'run_id', 'seq', 'i', 'line', 'op', 'folio', 'file', 'file_name', 'pgoff', 'folio_order', 'pages', 'pins',
      'pin_seq', 'pin_i', 'pin_line', 'pin_op', 'ended_seq', 'ended_i', 'ended_state', 'held_ops',
    ]);
  });
});

describe('holes_as_data', () => {
  it('gives each SEEK the bytes it reported as data that hold no written data', () => {
    const id = recordModel(store, KNOWN);
    expect(rows(`select * from holes_as_data where run_id = ${id}`)).toEqual([
      [id, 5, 6, 'seek -h 0', 'hole', 2097152, null, 2097152, 1, 'f', 65536],
      [id, 6, 7, 'seek -d 1m', 'data', 1048576, null, 2097152, 1, 'f', 65536],
      [id, 9, 10, 'seek -h 0', 'hole', 1048576, null, 2097152, 1, 'f', 0],
    ]);
  });

  it('finds seeks behind task prefixes and blanks, with their errno; a kernel run says nothing of unwritten data', () => {
    const text = 'mount tmpfs huge=always\npwrite 0 4k\nseek\t -d   8k\n[A] seek -h 0\n';
    const model = recordModel(store, text);
    expect(rows(`select i, op, whence, ret, errno, unwritten_data from holes_as_data where run_id = ${model}`)).toEqual([
      [2, 'seek\t -d   8k', 'data', null, 'ENXIO', 0], [3, 'seek -h 0', 'hole', 4096, null, 0],
    ]);
    const name = '401-seek-sanity-01-never';
    const truth = readFileSync(join(CORPUS, `${name}.truth.jsonl`), 'utf8').split('\n').filter(Boolean).map(parseObservation);
    const kernel = recordKernel(store, readFileSync(join(CORPUS, `${name}.fl`), 'utf8'), truth);
    const seeks = rows(`select unwritten_data from holes_as_data where run_id = ${kernel}`);
    expect(seeks.length).toBeGreaterThan(0);
    expect(new Set(seeks.flat())).toEqual(new Set([null]));
  });
});

describe('views over random scripts', () => {
  it.each(['931-random-full-seed-101', '936-random-full-seed-106', '945-random-full-seed-115', '912-random-basic-seed-12'])(
    'agree with the model\'s observations and the event log (%s)', (name) => {
      const text = readFileSync(join(CORPUS, `${name}.fl`), 'utf8');
      const id = recordModel(store, text);
      const histogram = (folios: ReadonlyArray<readonly [number, number, number]>): string => {
        const n = new Map<number, number>();
        for (const [, order] of folios) n.set(order, (n.get(order) ?? 0) + 1);
        return JSON.stringify(Object.fromEntries([...n].sort(([a], [b]) => a - b)));
      };
      const expected = simulateText(text).map((o) => [o.i, histogram(o.folios)]);
      expect(rows(`select i, folios_by_order from op_summary where run_id = ${id}`)).toEqual(expected);
      // Events spent add up to the folio's lifetime in events; the states are the event log's.
      expect(rows(`select folio from folio_lifetimes l join runs r on r.id = l.run_id where run_id = ${id}
        and (${SUM_STATE_EVENTS}) <> coalesce(ended_seq, r.events) - born_seq`)).toEqual([]);
      expect(rows(`select folio from folio_lifetimes l where run_id = ${id} and states <> (select group_concat(to_state, ',')
        from (select to_state from event_log e where e.run_id = l.run_id and e.folio = l.folio
          and (from_state is null or from_state <> to_state) order by seq) as t)`)).toEqual([]);
      expect(rows(`select count(*) from folio_lifetimes where run_id = ${id}`)).toEqual(rows(`select count(*) from folios where run_id = ${id}`));
    });
});

// SQLite's query plans.
describe.skipIf(onPostgres)('the views read one run through its keys', () => {
  it.each(['event_log', 'folio_lifetimes', 'op_summary', 'split_failures', 'holes_as_data'])('%s scans no table whole for where run_id = N', (view) => {
    const plan = rows(`explain query plan select * from ${view} where run_id = 1`).map((r) => String(r[3]));
    expect(plan.filter((d) => /^SCAN (events|folios|operations|files|runs)\b/.test(d))).toEqual([]);
  });
});
