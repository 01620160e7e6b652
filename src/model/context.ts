import type { EventSink } from './events.js';
import type { ThpSettings } from './settings.js';
import type { Stats } from './stats.js';
import type { FolioId } from './units.js';

/** What every operation works with: the controls, the counters, the event sink, id counters. */
export interface ShmemCtx {
  readonly thp: ThpSettings;
  readonly stats: Stats;
  readonly sink: EventSink;
  /** Next folio id (per run, in allocation order). */
  nextFolioId(): FolioId;
}
