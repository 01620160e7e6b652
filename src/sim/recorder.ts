import type { ExplanationRow, PolicyWork } from '../model/index.js';
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
  /** Pages resident in every file that hold no written byte, after the command (`Shmem.noDataPages`). */
  readonly noData?: number;
  /** The what-if policy's work in the command: its counters' increase, and `metadataBytes` held after it. */
  readonly work?: PolicyWork;
}

/** One row of the `explanations` table (the model's `ExplanationRow`: src/model/explanation-row.ts). */
export type ExplanationRecord = ExplanationRow;

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
