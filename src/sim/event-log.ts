import type { FolioMachineEventType } from '../../machines/index.js';
import { birthState, FINAL_FOLIO_STATES, FOLIO_STATE_CODES, nextFolioState } from '../../machines/index.js';
import type { EventSink, ModelEvent } from '../model/index.js';
import { EVENT_CODES, InvariantError } from '../model/index.js';
import { LiveFolios } from './live-folios.js';
import type { EventRecord, RunRecorder } from './recorder.js';

const FINAL_CODES = new Set<number>(FINAL_FOLIO_STATES.map((s) => FOLIO_STATE_CODES[s]));
const STATE_NAMES = new Map<number, string>(Object.entries(FOLIO_STATE_CODES).map(([k, v]) => [v, k]));

/** Integer argument stored with each event type (product.md §4 `arg`). Pure. */
function eventArg(e: ModelEvent): bigint | null {
  switch (e.type) {
    case 'folio_added': return BigInt(e.order);
    case 'folio_zeroed':
    case 'folio_uptodate_cleared': return BigInt(e.index);
    case 'folio_split': return BigInt(e.order);
    case 'folio_collapsed': return BigInt(e.into);
    case 'folio_pinned':
    case 'folio_unpinned': return BigInt(e.pins);
    case 'file_created':
    case 'file_switched': return BigInt(e.file);
    case 'i_size_changed': return e.size;
    default: return null;
  }
}

/**
 * The simulator's event sink: numbers each model event, steps the folio's lifecycle through
 * the table compiled from machines/folio.machine.ts, and hands rows to the recorder. An event
 * the machine does not accept is an invariant failure. Also counts what the oracle compares
 * with the model's own counters.
 */
export class EventLog implements EventSink {
  #states = new Uint8Array(1024);
  #recorder: RunRecorder | undefined;
  seq = 0;
  /** Command index stamped on the events. */
  i = 0;
  /** Live folios as the events describe them, when the oracle will hold them against the page cache. */
  readonly live: LiveFolios | undefined;
  /** Large folios born by allocation, per order. */
  readonly allocatedByOrder: number[] = new Array<number>(10).fill(0);
  /**
   * Large folios allocated and not yet checked, four numbers each: the command index `i`, file,
   * pgoff, order (the oracle's `new-folio-order` takes them; kept only with `live`).
   */
  readonly births: number[] = [];

  /** `replay`: keep `live` (the oracle's view); without it, nothing per folio but its state. */
  constructor(recorder?: RunRecorder, replay = true) {
    this.#recorder = recorder;
    this.live = replay ? new LiveFolios() : undefined;
  }

  /** Lifecycle state code of a folio (0 = never born). Pure. */
  stateOf(folio: number): number {
    return this.#states[folio] ?? 0;
  }

  /** @inheritdoc */
  emit(e: ModelEvent): void {
    const seq = ++this.seq;
    const recorder = this.#recorder;
    if (e.type === 'file_created') recorder?.file({ id: e.file, name: e.name, mount: e.mount, kind: e.kind });
    if (!('folio' in e)) {
      recorder?.event({ seq, i: this.i, folio: null, event: EVENT_CODES[e.type], from: null, to: null, arg: eventArg(e) });
      return;
    }
    const id: number = e.folio;
    if (id >= this.#states.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.#states.length * 2));
      grown.set(this.#states);
      this.#states = grown;
    }
    if (e.type === 'folio_added') {
      if (this.#states[id] !== 0) throw new InvariantError(`folio ${id} born twice`);
      const to = birthState(e.cause);
      if (e.cause === 'alloc' && e.order > 0) {
        this.allocatedByOrder[e.order]! += 1;
        if (this.live) this.births.push(this.i, e.file, e.index, e.order);
      }
      this.#states[id] = to;
      this.live?.born(id, e.file, e.index, e.order);
      // Rows (and their bigint args) only for a recorder: a model-only run allocates none per event.
      if (recorder) {
        const row: EventRecord = { seq, i: this.i, folio: id, event: EVENT_CODES[e.type], from: null, to, arg: eventArg(e) };
        recorder.event(row, { born: { file: e.file, pgoff: e.index, order: e.order, parent: e.parent } });
      }
      return;
    }
    const from = this.#states[id]!;
    const to = from === 0 ? 0 : nextFolioState(from, e.type as FolioMachineEventType);
    if (to === 0) {
      throw new InvariantError(`folio ${id}: ${e.type} is not accepted in state ${STATE_NAMES.get(from) ?? 'unborn'}`);
    }
    this.#states[id] = to;
    if (e.type === 'folio_marked_uptodate') this.live?.markedUptodate(id);
    else if (e.type === 'folio_uptodate_cleared') this.live?.uptodateCleared(id);
    const ended = FINAL_CODES.has(to);
    if (ended) this.live?.ended(id);
    if (recorder) {
      const row: EventRecord = { seq, i: this.i, folio: id, event: EVENT_CODES[e.type], from, to, arg: eventArg(e) };
      recorder.event(row, ended ? { ended: true } : undefined);
    }
  }
}
