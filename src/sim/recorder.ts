import type { Observation } from '../script/index.js';

/** One row of the event log: integers only (product.md §4). */
export interface EventRecord {
  readonly seq: number;
  /** Index of the command that emitted it. */
  readonly i: number;
  readonly folio: number | null;
  readonly event: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly arg: bigint | null;
}

/** What a folio event adds beyond its row: the folio's birth, or its end. */
export interface EventExtra {
  readonly born?: { readonly file: number; readonly pgoff: number; readonly order: number; readonly parent: number | null };
  readonly ended?: true;
}

/** A file the run created. */
export interface FileRecord {
  readonly id: number;
  readonly name: string;
  readonly mount: number;
  readonly kind: 'tmpfs' | 'memfd' | 'anon' | 'sysv';
}

/** What a model run knows about a command beyond its §2 observation (kernel runs: none). */
export interface OperationFacts {
  /** SEEK commands: bytes reported as data that hold no written data (see `unwrittenData`). */
  readonly unwrittenData?: bigint;
}

/** Where a simulated run goes as it happens (the store's run writer, in the CLI). */
export interface RunRecorder {
  file(row: FileRecord): void;
  event(row: EventRecord, extra?: EventExtra): void;
  /** After each command: its observation, the current file, the seq of its last event, and what else the model knows. */
  operation(obs: Observation, task: string | undefined, file: number | null, lastSeq: number, facts?: OperationFacts): void;
}
