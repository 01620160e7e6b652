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

/**
 * A command's §2 observation as a recorder takes it: `folios` only where the run lists them
 * anyway (a kernel run's observed lists, a model run whose observations are kept or printed).
 * A model run does not list its page cache for the recorder: `OperationFacts.layout` digests it.
 */
export type OperationRecord = Omit<Observation, 'folios'> & { readonly folios?: Observation['folios'] };

/** What the run knows about a command beyond its §2 observation. */
export interface OperationFacts {
  /**
   * `layoutDigest` (src/script) of the current file's page cache after the command: the model
   * keeps it as it goes (`Shmem.layoutDigest()`); a kernel run computes it from its lists.
   */
  readonly layout: number;
  /** SEEK commands: bytes reported as data that hold no written data (see `unwrittenData`). */
  readonly unwrittenData?: bigint;
}

/**
 * One row of the `explanations` table: a decision of the model, integers only, keyed by the
 * operation `i` and its order `n` within it. Which columns a kind uses, and what a null means,
 * is documented in migrations/0004_create_explanations.ts (and the README).
 */
export interface ExplanationRecord {
  readonly i: number;
  readonly n: number;
  /** `EXPLANATION_KINDS` code. */
  readonly kind: number;
  readonly folio: number | null;
  readonly nr: number | null;
  readonly pgoff: number | null;
  readonly cause: number | null;
  readonly result: number | null;
  readonly settings: number | null;
  readonly perSize: number | null;
  readonly globalOrders: number | null;
  readonly allowableOrders: number | null;
  readonly vmaOrders: number | null;
  readonly suitableOrders: number | null;
  readonly iSize: bigint | null;
  readonly writeEnd: bigint | null;
  readonly vmaStart: number | null;
  readonly vmaEnd: number | null;
}

/** Where a simulated run goes as it happens (the store's run writer, in the CLI). */
export interface RunRecorder {
  file(row: FileRecord): void;
  event(row: EventRecord, extra?: EventExtra): void;
  /** After each command: its observation, the current file, the seq of its last event, and what else the run knows. */
  operation(obs: OperationRecord, task: string | undefined, file: number | null, lastSeq: number, facts: OperationFacts): void;
  /**
   * The model's decisions (`foliolog explain`); the model reports them only when the recorder
   * takes them. Not events: the event log and its hash never see them.
   */
  explanation?(row: ExplanationRecord): void;
}
