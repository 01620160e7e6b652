export { PAGE_SIZE, PAGE_SHIFT, HPAGE_PMD_ORDER, HPAGE_PMD_NR, MAX_LFS_FILESIZE, MAX_PAGECACHE_ORDER } from './arch.js';
export type { Brand, Pgoff, Loff, Order, OrderMask, FolioId, FileId } from './units.js';
export { pgoff, loff, order, orderMask, pagesCeil } from './units.js';
export type { Errno, OpResult } from './errno.js';
export { InvariantError, UnsupportedError, invariant } from './errno.js';
export type { ModelEvent, ModelEventType, FolioEvent, EventSink } from './events.js';
export { EVENT_CODES } from './events.js';
export type { HugeSetting, GlobalHugeSetting, SizeHugeSetting } from './settings.js';
export { orderSizeName } from './settings.js';
export type { StatName } from './stats.js';
export { STAT_NAMES, Stats } from './stats.js';
export type { FolioView, FolioWalk } from './shmem.js';
export { Shmem } from './shmem.js';
export type { BugName } from './bugs.js';
export { BUG_NAMES, isBugName, policyForBugs } from './bugs.js';
export { DEFAULT_POLICY, POLICY_NAMES, PolicyError, formatPolicy, parsePolicy, withPolicy } from './policy/spec.js';
export type { PolicyName, PolicyPart, PolicySpec } from './policy/spec.js';
export { policyOf } from './policy/policy.js';
export type { Policy, PolicyWork } from './policy/policy.js';
export type { TaskState } from './task.js';
export type { Step, Steps, Wait, YieldPoint } from './steps.js';
export { isWait, runToEnd } from './steps.js';
export type { ReadResult } from './ops/read.js';
export { ByteRuns } from './byte-runs.js';
export { LayoutHash } from './layout-hash.js';
export type {
  AllocationDecision, CollapseDecision, CollapseResult, Decision, DecisionSink, SplitCause, SplitDecision, VmaFacts,
} from './decisions.js';
export type { AllocationSettings } from './decision-codes.js';
export {
  COLLAPSE_CONTEXT_CODES, COLLAPSE_RESULT_CODES, EXPLANATION_KINDS, HUGE_SETTING_CODES, SGP_CODES, SPLIT_CAUSE_CODES,
  VMA_KIND_CODES, codeName, packPerSize, packSettings, unpackPerSize, unpackSettings,
} from './decision-codes.js';
export type { ExplanationRow } from './explanation-row.js';
export type { KernelVariant } from './variants.js';
export { KERNEL_VARIANTS, MODELLED_RELEASE, isKernelVariant } from './variants.js';
