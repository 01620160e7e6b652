import type { Bugs } from './bugs.js';
import type { DecisionSink } from './decisions.js';
import type { EventSink } from './events.js';
import type { PerBlock } from './policy/per-block.js';
import type { Policy } from './policy/policy.js';
import type { ThpSettings } from './settings.js';
import type { Stats } from './stats.js';
import type { FolioId } from './units.js';
import type { KernelVariant } from './variants.js';

/**
 * What every operation works with: the controls, the counters, the event sink, id counters,
 * and a DecisionSink when someone will read the model's decisions (`foliolog explain`).
 */
export interface ShmemCtx {
  readonly thp: ThpSettings;
  readonly stats: Stats;
  readonly sink: EventSink;
  /** Told why each folio got its order, why each split happened or failed, what each collapse did. */
  readonly decisions: DecisionSink | undefined;
  /** The build whose answers differ from `MODELLED_RELEASE`'s, if one was asked for. */
  readonly variant: KernelVariant | undefined;
  /**
   * Whether tasks are stepping the model (issue 9): steppable operations yield at their yield
   * points only then; alone, they run straight through (a yield costs a round trip through
   * every generator of the operation, per folio).
   */
  readonly stepping: boolean;
  /** The bug switches in force (`--bug`); none in a normal run. */
  readonly bugs: Bugs;
  /**
   * Per-block uptodate state (per-block.ts), when the run models it (`fault-clears-partial`
   * needs it); undefined under 6.18, where a folio is uptodate as a whole. Tested where a folio
   * is marked uptodate, removed, split or collapsed, where a write or fault meets one that is
   * not uptodate, and per folio an lseek walks: a run without it allocates nothing for it.
   */
  readonly perBlock: PerBlock | undefined;
  /** The what-if policy the model asks where a proposal differs from 6.18 (policy/policy.ts). */
  readonly policy: Policy;
  /** Next folio id (per run, in allocation order). */
  nextFolioId(): FolioId;
}
