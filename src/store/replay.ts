import type { SyncConnection, SyncStatement } from './connection.js';
import { applyEvent, decodeCheckpoint, type LiveTable } from './checkpoints.js';
import { EVENT_CODES } from '../model/index.js';
import { parseJson } from './rows.js';
import type { StatsDelta } from '../script/index.js';

/** Runs a read, translating driver errors (the store passes its damage classification). */
export type Guard = <T>(read: () => T) => T;

/** Events loaded per query while replaying: bounded memory, few round trips. */
const CHUNK = 32_768;

/** seq, folio, event, to_state, pin arg, then for a birth its folio row's file, pgoff, order. */
type ReplayRow = [number, number, number, number | null, number | null, number | null, number | null, number | null];

const BORN = EVENT_CODES.folio_added;
const ENDED = { ended: true } as const;

/** The nearest checkpoint at or before an event, with what it knows of the operations before it. */
export interface CheckpointInfo {
  /** Its event seq (0: the run's start, no checkpoint). */
  readonly seq: number;
  /** Operations finished before it; null in checkpoints older than migration 0002. */
  readonly ops: number | null;
  /** The per-size counters summed over those operations; null when unknown. */
  readonly counters: StatsDelta | null;
}

/**
 * A forward-only replay of one run's folio events into a live table: it starts at the nearest
 * checkpoint at or before a seq and applies the events after it in seq order, each joined to
 * its folio row by primary key to learn births and ends. Reading the run from its start never
 * happens: the cost of reaching seq S is that of the events between S's checkpoint and S. Sync.
 *
 * ### Example
 * ```ts
 * const r = Replay.from(sqlite, 3, 120_000)   // positioned at 120,000
 * r.advance(130_000)                          // and forward, incrementally
 * ```
 */
export class Replay {
  readonly #stmt: SyncStatement<[number, number, number]>;
  readonly #runId: number;
  readonly #guard: Guard;
  /** Lifecycle states a folio ends in (`folio_states.final`, migration 0006). */
  readonly #final: ReadonlySet<number>;
  /** The live folios after event `seq`. Mutated in place by `advance`. */
  readonly table: LiveTable;
  /** The checkpoint the replay started from. */
  readonly checkpoint: CheckpointInfo;
  #seq: number;

  private constructor(sqlite: SyncConnection, runId: number, checkpoint: CheckpointInfo, table: LiveTable, guard: Guard) {
    // Only pin events need `arg` (a pin count); i_size args may pass 2^53, so they are not read.
    // Only a birth reads its folio's row (born in seq order, so neighbouring rows): an end is
    // known from the state the event enters, so most events cost no lookup.
    this.#stmt = sqlite.prepare<[number, number, number]>(`select e.seq, e.folio, e.event, e.to_state,
      case when e.event in (10, 11) then e.arg end, f.file, f.pgoff, f."order"
      from events e left join folios f on e.event = ${BORN} and f.run_id = e.run_id and f.id = e.folio
      where e.run_id = ? and e.seq > ? and e.seq <= ? and e.folio is not null order by e.seq`).raw(true);
    this.#final = new Set(sqlite.prepare('select code from folio_states where final = 1').pluck().all() as number[]);
    this.#runId = runId;
    this.#guard = guard;
    this.checkpoint = checkpoint;
    this.table = table;
    this.#seq = checkpoint.seq;
  }

  /**
   * A replay positioned after event `seq` of run `runId` (0: before the first event); `guard`
   * wraps each later read (the store's damage classification).
   */
  static from(sqlite: SyncConnection, runId: number, seq: number, guard: Guard = (read) => read()): Replay {
    const row = sqlite.prepare(`select seq, data, ops, counters from checkpoints where run_id = ? and seq <= ?
      order by seq desc limit 1`).get(runId, seq) as { seq: number; data: Uint8Array; ops: number | null; counters: string | null } | undefined;
    const info: CheckpointInfo = row === undefined
      ? { seq: 0, ops: 0, counters: {} }
      : { seq: row.seq, ops: row.ops, counters: row.counters === null ? null : parseJson(row.counters, 'checkpoints.counters') as StatsDelta };
    const r = new Replay(sqlite, runId, info, row === undefined ? new Map() : decodeCheckpoint(row.data), guard);
    r.advance(seq);
    return r;
  }

  /** The last event applied. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Apply the events after `seq` up to `upto` (inclusive). A replay only moves forward.
   * @throws StoreError `E_BAD_EVENT` for a log that does not replay; RangeError going back.
   */
  advance(upto: number): void {
    if (upto < this.#seq) throw new RangeError(`replay at ${this.#seq} cannot go back to ${upto}`);
    while (this.#seq < upto) {
      const to = Math.min(upto, this.#seq + CHUNK);
      const rows = this.#guard(() => this.#stmt.all(this.#runId, this.#seq, to)) as ReplayRow[];
      for (const [s, folio, event, state, arg, file, pgoff, order] of rows) {
        const row = { seq: s, i: 0, folio, event, from: null, to: state, arg };
        if (event === BORN) applyEvent(this.table, row, { born: { file: file!, pgoff: pgoff!, order: order!, parent: null } });
        else applyEvent(this.table, row, state !== null && this.#final.has(state) ? ENDED : undefined);
      }
      this.#seq = to;
    }
  }
}
