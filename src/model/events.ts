import type { FileId, FolioId } from './units.js';

/**
 * Domain events: the facts the simulated kernel emits as they happen, in kernel words.
 * Folio events are the inputs of the folio lifecycle machine (machines/folio.machine.ts);
 * file events carry no folio. Events never carry storage fields (run id, seq).
 */
export type ModelEvent =
  /** A folio entered the page cache: allocated, born as a split piece, or born by a collapse. */
  | { readonly type: 'folio_added'; readonly folio: FolioId; readonly file: FileId; readonly index: number;
      readonly order: number; readonly parent: FolioId | null; readonly cause: 'alloc' | 'split' | 'collapse' }
  /** The whole folio became uptodate (write_end, fault zeroing, second fallocate). */
  | { readonly type: 'folio_marked_uptodate'; readonly folio: FolioId }
  /**
   * Per-block policy only: the whole pages a punch or truncate zeroed in a folio it could not
   * split stopped being uptodate, so the folio is no longer; `index` is the first of them.
   */
  | { readonly type: 'folio_uptodate_cleared'; readonly folio: FolioId; readonly index: number }
  /** A punch or truncate zeroed part of the folio without freeing it; `arg` is the first zeroed page. */
  | { readonly type: 'folio_zeroed'; readonly folio: FolioId; readonly index: number }
  /** The folio was replaced by its pieces (born next, with it as parent); `order` is the pieces' target order. */
  | { readonly type: 'folio_split'; readonly folio: FolioId; readonly order: number }
  /** A split of the folio was attempted and refused (extra references). */
  | { readonly type: 'folio_split_failed'; readonly folio: FolioId }
  /** The folio now holds the EOF page, reaches past max(EOF, fallocend) and its inode is on the shrinklist. */
  | { readonly type: 'folio_reclaim_marked'; readonly folio: FolioId }
  /** The folio stopped being what the EOF shrinker would split (EOF moved, inode left the list). */
  | { readonly type: 'folio_reclaim_cleared'; readonly folio: FolioId }
  /** The folio left the page cache. */
  | { readonly type: 'folio_removed'; readonly folio: FolioId }
  /** A page of the folio was pinned (GUP / vmsplice); `pins` is the count it holds now. */
  | { readonly type: 'folio_pinned'; readonly folio: FolioId; readonly pins: number }
  /** Pins on the folio were dropped; `pins` is the count it still holds. */
  | { readonly type: 'folio_unpinned'; readonly folio: FolioId; readonly pins: number }
  /** The folio was merged into the collapsed PMD folio `into`. */
  | { readonly type: 'folio_collapsed'; readonly folio: FolioId; readonly into: FolioId }
  /** A file (inode) was created by `mount` or `open`; `mount` is the 1-based mount number. */
  | { readonly type: 'file_created'; readonly file: FileId; readonly name: string; readonly mount: number;
      readonly kind: 'tmpfs' | 'memfd' | 'anon' | 'sysv' }
  /** The current file changed (`open`, `mount`). */
  | { readonly type: 'file_switched'; readonly file: FileId }
  /** i_size changed; `size` is the new i_size in bytes. */
  | { readonly type: 'i_size_changed'; readonly file: FileId; readonly size: bigint };

/** Event type names. */
export type ModelEventType = ModelEvent['type'];

/** Folio events: those the lifecycle machine takes. */
export type FolioEvent = Extract<ModelEvent, { readonly folio: FolioId }>;

/**
 * Stored integer code of each event type (the `event` column of the event log).
 * Frozen: codes are part of the store format (see migrations/ and README).
 */
export const EVENT_CODES: Readonly<Record<ModelEventType, number>> = Object.freeze({
  folio_added: 1,
  folio_marked_uptodate: 2,
  folio_zeroed: 3,
  folio_split: 4,
  folio_split_failed: 5,
  folio_reclaim_marked: 6,
  folio_reclaim_cleared: 7,
  folio_removed: 8,
  folio_collapsed: 9,
  folio_pinned: 10,
  folio_unpinned: 11,
  folio_uptodate_cleared: 12,
  file_created: 20,
  file_switched: 21,
  i_size_changed: 22,
});

/** Receives events as they happen; the model never collects them in an array. */
export interface EventSink {
  emit(event: ModelEvent): void;
}
