import type { Kysely } from 'kysely';
import { createView, int64 } from './_dialect.js';

/*
 * Views for people who write SQL (`foliolog query`, or sqlite3 on the file), and the one fact
 * they need that the store did not keep. Frozen once merged. Imports only kysely: the codes
 * below are literal copies of src/model/events.ts EVENT_CODES (5 folio_split_failed, 10/11
 * folio_pinned/unpinned, 20/21/22 file_created/file_switched/i_size_changed) and of the
 * lifecycle's state codes (1..5 live: allocated, partially-punched, split-failed,
 * reclaim-candidate, collapsed; 6..8 final: split, freed, collapsed-into).
 *
 * - `operations.unwritten_data`: for a model run's SEEK command, the bytes it reported as data
 *   that hold no written data (src/sim/holes-as-data.ts); null for other commands and kernel runs.
 * - Five views. Each reads a run's rows through primary keys; those that aggregate (folio_lifetimes,
 *   op_summary) use one window pass partitioned by run_id, so `where run_id = N` is pushed
 *   into them and they read that run's rows once (the event log has no index by folio, product.md §4).
 *   The SQL comments below are kept in sqlite_master, so `.schema event_log` shows them.
 */

const VIEWS: ReadonlyArray<readonly [string, string]> = [
  ['event_log', `create view event_log as
-- Every event with names: its operation (i, line, op), the folio and its place (pgoff,
-- folio_order), the file it is about (a folio event: the folio's file; file_created and
-- file_switched: the file in arg; i_size_changed: the file current then), event type and
-- state names, and arg (see README).
select x.run_id, x.seq, x.i, o.line, o.op, x.folio, x.file, fl.name as file_name, x.pgoff, x.folio_order,
  t.name as event, fs.name as from_state, ts.name as to_state, x.arg
from (
  select e.run_id, e.seq, e.i, e.folio, e.event, e.from_state, e.to_state, e.arg, f.pgoff, f."order" as folio_order,
    case
      when e.folio is not null then f.file
      when e.event in (20, 21) then e.arg
      -- The last file switch of the same operation before it, else the file current after the
      -- previous operation: a backward read of this operation's events only.
      when e.event = 22 then coalesce(
        (select s.arg from events s
          where s.run_id = e.run_id and s.event = 21 and s.seq < e.seq
            and s.seq > coalesce((select p.last_seq from operations p where p.run_id = e.run_id and p.i = e.i - 1), 0)
          order by s.seq desc limit 1),
        (select p.file from operations p where p.run_id = e.run_id and p.i = e.i - 1))
    end as file
  from events e left join folios f on f.run_id = e.run_id and f.id = e.folio
) x
join event_types t on t.code = x.event
left join folio_states fs on fs.code = x.from_state
left join folio_states ts on ts.code = x.to_state
left join operations o on o.run_id = x.run_id and o.i = x.i
left join files fl on fl.run_id = x.run_id and fl.id = x.file`],

  ['folio_lifetimes', `create view folio_lifetimes as
-- One row per folio: where it lived, when it was born and ended (seq and operation i), how it
-- ended, lifetime_ops = ended_i - born_i (null while live at the run's end), the states it
-- entered in order (states, a comma list ending with the final state), and state_events: for
-- each live state entered, the run's events from entering it to leaving it, summed over visits
-- (to the run's last event while still in it), as JSON keyed by state name.
-- One window pass over the run's state-changing folio events (from_state <> to_state): a
-- state's events are the sum of the seqs that leave it minus the seqs that enter it.
select w.run_id, w.folio, f.file, fl.name as file_name, f.pgoff, f."order" as folio_order, 1 << f."order" as pages,
  f.parent, f.born_seq, b.i as born_i, f.ended_seq, x.i as ended_i, es.name as ended_state, x.i - b.i as lifetime_ops,
  w.states,
  '{' || rtrim(
    iif(instr(',' || w.states || ',', ',allocated,') > 0, '"allocated":' || (w.s1 + iif(w.last_state = 1, r.events, 0)) || ',', '') ||
    iif(instr(',' || w.states || ',', ',partially-punched,') > 0, '"partially-punched":' || (w.s2 + iif(w.last_state = 2, r.events, 0)) || ',', '') ||
    iif(instr(',' || w.states || ',', ',split-failed,') > 0, '"split-failed":' || (w.s3 + iif(w.last_state = 3, r.events, 0)) || ',', '') ||
    iif(instr(',' || w.states || ',', ',reclaim-candidate,') > 0, '"reclaim-candidate":' || (w.s4 + iif(w.last_state = 4, r.events, 0)) || ',', '') ||
    iif(instr(',' || w.states || ',', ',collapsed,') > 0, '"collapsed":' || (w.s5 + iif(w.last_state = 5, r.events, 0)) || ',', ''),
    ',') || '}' as state_events
from (
  select e.run_id, e.folio, e.from_state,
    group_concat(s.name, ',') over w as states,
    last_value(e.to_state) over w as last_state,
    sum(iif(e.from_state = 1, e.seq, 0) - iif(e.to_state = 1, e.seq, 0)) over w as s1,
    sum(iif(e.from_state = 2, e.seq, 0) - iif(e.to_state = 2, e.seq, 0)) over w as s2,
    sum(iif(e.from_state = 3, e.seq, 0) - iif(e.to_state = 3, e.seq, 0)) over w as s3,
    sum(iif(e.from_state = 4, e.seq, 0) - iif(e.to_state = 4, e.seq, 0)) over w as s4,
    sum(iif(e.from_state = 5, e.seq, 0) - iif(e.to_state = 5, e.seq, 0)) over w as s5
  from events e join folio_states s on s.code = e.to_state
  where e.folio is not null and (e.from_state is null or e.from_state <> e.to_state)
  window w as (partition by e.run_id, e.folio order by e.seq rows between unbounded preceding and unbounded following)
) w
join runs r on r.id = w.run_id
join folios f on f.run_id = w.run_id and f.id = w.folio
join files fl on fl.run_id = f.run_id and fl.id = f.file
join events b on b.run_id = f.run_id and b.seq = f.born_seq
left join events x on x.run_id = f.run_id and x.seq = f.ended_seq
left join folio_states es on es.code = f.ended_state
-- One row per folio: its birth event is the only one that enters a state from none.
where w.from_state is null
order by w.run_id, w.folio`],

  ['op_summary', `create view op_summary as
-- Per operation: its outcome (ret or errno), size, blocks, resident (pages of every live folio
-- of the run), the file current after it, folios = that file's live folios then, and
-- folios_by_order = their count per order as JSON ('{"0":3,"9":1}', orders with none left out),
-- and stats (the counters it changed, product.md §2).
-- Live after operation i: born_seq <= last_seq < coalesce(ended_seq, infinity). One sweep per
-- run and file over births (+1), ends (-1) and the operations' last_seq, in seq order.
select o.run_id, o.i, o.line, o.op, o.task, o.ret, o.errno, o.size, o.blocks, o.resident, o.file, fl.name as file_name,
  c.o0 + c.o1 + c.o2 + c.o3 + c.o4 + c.o5 + c.o6 + c.o7 + c.o8 + c.o9 as folios,
  '{' || rtrim(iif(c.o0 > 0, '"0":' || c.o0 || ',', '') || iif(c.o1 > 0, '"1":' || c.o1 || ',', '') || iif(c.o2 > 0, '"2":' || c.o2 || ',', '')
    || iif(c.o3 > 0, '"3":' || c.o3 || ',', '') || iif(c.o4 > 0, '"4":' || c.o4 || ',', '') || iif(c.o5 > 0, '"5":' || c.o5 || ',', '')
    || iif(c.o6 > 0, '"6":' || c.o6 || ',', '') || iif(c.o7 > 0, '"7":' || c.o7 || ',', '') || iif(c.o8 > 0, '"8":' || c.o8 || ',', '') || iif(c.o9 > 0, '"9":' || c.o9 || ',', ''), ',') || '}' as folios_by_order,
  o.stats, o.last_seq
from (
  select run_id, kind, i,
    sum(iif(ord = 0, d, 0)) over w as o0, sum(iif(ord = 1, d, 0)) over w as o1, sum(iif(ord = 2, d, 0)) over w as o2,
    sum(iif(ord = 3, d, 0)) over w as o3, sum(iif(ord = 4, d, 0)) over w as o4, sum(iif(ord = 5, d, 0)) over w as o5,
    sum(iif(ord = 6, d, 0)) over w as o6, sum(iif(ord = 7, d, 0)) over w as o7, sum(iif(ord = 8, d, 0)) over w as o8,
    sum(iif(ord = 9, d, 0)) over w as o9
  from (
    select run_id, file, born_seq as seq, 0 as kind, null as i, "order" as ord, 1 as d from folios
    union all
    select run_id, file, ended_seq, 0, null, "order", -1 from folios where ended_seq is not null
    union all
    select run_id, file, last_seq, 1, i, null, 0 from operations
  )
  window w as (partition by run_id, file order by seq, kind rows unbounded preceding)
) c
join operations o on o.run_id = c.run_id and o.i = c.i
left join files fl on fl.run_id = o.run_id and fl.id = o.file
where c.kind = 1
order by c.run_id, c.i`],

  ['split_failures', `create view split_failures as
-- Each folio_split_failed event: the operation, the folio and its place, pins = the pins it held
-- then (the arg of its last folio_pinned/folio_unpinned before the failure, 0 if none), the
-- operation that took the last pin (pin_seq, pin_i, pin_line, pin_op; null without pins), when
-- the folio ended and held_ops = ended_i - i, the operations it kept its memory after the
-- failure (null while live at the run's end). Pin events are found by reading the event log
-- backwards from the failure to the folio's birth.
select x.run_id, x.seq, x.i, o.line, o.op, x.folio, f.file, fl.name as file_name, f.pgoff, f."order" as folio_order,
  1 << f."order" as pages, coalesce(p.arg, 0) as pins,
  iif(p.arg > 0, t.seq, null) as pin_seq, iif(p.arg > 0, t.i, null) as pin_i,
  iif(p.arg > 0, tpo.line, null) as pin_line, iif(p.arg > 0, tpo.op, null) as pin_op,
  f.ended_seq, n.i as ended_i, es.name as ended_state, n.i - x.i as held_ops
from (
  select e.run_id, e.seq, e.i, e.folio,
    (select s.seq from events s where s.run_id = e.run_id and s.seq < e.seq and s.seq > g.born_seq
      and s.folio = e.folio and s.event in (10, 11) order by s.seq desc limit 1) as pin_event,
    (select s.seq from events s where s.run_id = e.run_id and s.seq < e.seq and s.seq > g.born_seq
      and s.folio = e.folio and s.event = 10 order by s.seq desc limit 1) as pin_taken
  from events e join folios g on g.run_id = e.run_id and g.id = e.folio
  where e.event = 5
) x
join operations o on o.run_id = x.run_id and o.i = x.i
join folios f on f.run_id = x.run_id and f.id = x.folio
join files fl on fl.run_id = f.run_id and fl.id = f.file
left join events p on p.run_id = x.run_id and p.seq = x.pin_event
left join events t on t.run_id = x.run_id and t.seq = x.pin_taken
left join operations tpo on tpo.run_id = t.run_id and tpo.i = t.i
left join events n on n.run_id = f.run_id and n.seq = f.ended_seq
left join folio_states es on es.code = f.ended_state`],

  ['holes_as_data', `create view holes_as_data as
-- Each SEEK command (seek -d / seek -h): whence ('data' or 'hole'), its answer (ret, or errno),
-- i_size then, the file, and unwritten_data = the bytes it reported as data that hold no
-- written data (never written, or punched or truncated away since), i.e. memory spent on
-- holes inside uptodate folios. seek -h OFF = H: the unwritten bytes of [OFF, H). seek -d OFF = D:
-- the bytes from D to the first written byte at or after D, within that data run. 0 for a
-- failed seek. Model runs only: null for kernel runs (the kernel does not tell).
select o.run_id, o.i, o.line, o.op, iif(substr(o.args, 1, 2) = '-d', 'data', 'hole') as whence,
  o.ret, o.errno, o.size, o.file, fl.name as file_name, o.unwritten_data
from (
  select run_id, i, line, op, ret, errno, size, file, unwritten_data, ltrim(substr(cmd, 5), ' ' || char(9)) as args, cmd
  from (
    -- The command word, after a task prefix ([A] ...) and blanks.
    select *, ltrim(iif(op like '[%]%', substr(op, instr(op, ']') + 1), op), ' ' || char(9)) as cmd from operations
  )
) o
left join files fl on fl.run_id = o.run_id and fl.id = o.file
where o.cmd like 'seek %' or o.cmd like 'seek' || char(9) || '%'`],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operations').addColumn('unwritten_data', int64(db)).execute();
  for (const [, text] of VIEWS) await createView(db, text);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...VIEWS].reverse()) await db.schema.dropView(name).execute();
  await db.schema.alterTable('operations').dropColumn('unwritten_data').execute();
}
