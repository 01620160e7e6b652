import type { SqlValue, WriterStatements } from './_statements.js';

/**
 * Rows a `RunWriter` has buffered for its next transaction, as positional parameters of the
 * prepared statements (see _statements.ts for column order).
 */
export class PendingRows {
  readonly files: SqlValue[][] = [];
  /** Folios born in this batch, by id: an end within the batch edits the row before insert. */
  readonly folios = new Map<number, SqlValue[]>();
  readonly ends: SqlValue[][] = [];
  /** Event seqs of folios still live when the run finishes, born in an earlier batch. */
  readonly liveEvents: SqlValue[][] = [];
  readonly events: SqlValue[][] = [];
  readonly operations: SqlValue[][] = [];
  readonly checkpoints: SqlValue[][] = [];
  readonly explanations: SqlValue[][] = [];

  /** Buffer a folio's end and its event seqs: edit its pending insert, or update a row of an earlier batch. */
  endFolio(runId: number, id: number, seq: number, state: number | null, events: Uint8Array): void {
    const pending = this.folios.get(id);
    if (pending !== undefined) {
      pending[7] = seq;
      pending[8] = state;
      pending[10] = events;
    } else {
      this.ends.push([seq, state, events, runId, id]);
    }
  }

  /** Buffer the event seqs of a folio still live at the run's end. */
  folioEvents(runId: number, id: number, events: Uint8Array): void {
    const pending = this.folios.get(id);
    if (pending !== undefined) pending[10] = events;
    else this.liveEvents.push([events, runId, id]);
  }

  /** Run the inserts; the caller holds the transaction. Files first: folios and operations reference them. */
  writeTo(s: WriterStatements): void {
    for (const r of this.files) s.insertFile.run(...r);
    for (const r of this.folios.values()) s.insertFolio.run(...r);
    for (const r of this.ends) s.endFolio.run(...r);
    for (const r of this.liveEvents) s.folioEvents.run(...r);
    for (const r of this.events) s.insertEvent.run(...r);
    for (const r of this.operations) s.insertOperation.run(...r);
    for (const r of this.checkpoints) s.insertCheckpoint.run(...r);
    for (const r of this.explanations) s.insertExplanation.run(...r);
  }
}
