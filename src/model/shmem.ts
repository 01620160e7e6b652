import { PAGE_SIZE_N } from './arch.js';
import type { Bugs, BugName } from './bugs.js';
import { bugsOf, policyForBugs } from './bugs.js';
import type { ShmemCtx } from './context.js';
import type { OpResult } from './errno.js';
import { fail, invariant, ok } from './errno.js';
import type { DecisionSink } from './decisions.js';
import type { EventSink } from './events.js';
import { updateReclaimCandidate } from './folio-ops.js';
import type { Inode, Superblock } from './inode.js';
import { newInode, newSuperblock } from './inode.js';
import { checkInvariants } from './invariants.js';
import { lseek } from './ops/lseek.js';
import type { ReadResult } from './ops/read.js';
import { pread } from './ops/read.js';
import { truncate } from './ops/truncate.js';
import { fallocate } from './ops/fallocate.js';
import { vfsFallocateChecks } from './ops/falloc-checks.js';
import { fpunchSteps } from './ops/punch.js';
import { reclaim } from './ops/reclaim.js';
import { relievePressure, residentPages } from './ops/pressure.js';
import { pwrite } from './ops/write.js';
import type { VmaAdvice } from './ops/madvise.js';
import { madvise, madviseRemoveSteps } from './ops/madvise.js';
import type { Range } from './ops/mmap.js';
import { isResult, mmap, newMapping } from './ops/mmap.js';
import { pin, unpin } from './ops/pin.js';
import { touch, touchSteps } from './ops/touch.js';
import { khugepagedScan, madviseCollapse } from './ops/collapse.js';
import type { Steps } from './steps.js';
import { runToEnd } from './steps.js';
import type { Cwd } from './task.js';
import { TaskState } from './task.js';
import type { Mapping } from './vma.js';
import type { PerBlock } from './policy/per-block.js';
import type { Policy } from './policy/policy.js';
import { policyOf } from './policy/policy.js';
import type { PolicySpec } from './policy/spec.js';
import { DEFAULT_POLICY } from './policy/spec.js';
import { isHugeSetting, ThpSettings } from './settings.js';
import { Stats } from './stats.js';
import type { FileId, FolioId } from './units.js';
import { pagesCeil } from './units.js';
import type { KernelVariant } from './variants.js';

/** Longest memfd name, in bytes (include/uapi/linux/memfd.h: NAME_MAX − strlen("memfd:")). */
const MFD_NAME_MAX_LEN = 249;

/** `[pgoff, order, uptodate]` of one folio. */
export type FolioView = readonly [number, number, 0 | 1];

/** A page cache to walk in pgoff order, and how many folios it holds. */
export interface FolioWalk extends Iterable<FolioView> {
  readonly count: number;
}

/**
 * The simulated machine: THP controls, per-size counters, shmem superblocks, files and the
 * current file. Each method is one syscall-level operation; results are data, events go to
 * the sink as they happen. Deterministic: no clock, no randomness.
 */
export class Shmem implements ShmemCtx {
  readonly thp = new ThpSettings();
  readonly stats = new Stats();
  readonly sink: EventSink;
  readonly decisions: DecisionSink | undefined;
  readonly variant: KernelVariant | undefined;
  /**
   * Whether tasks step the model concurrently (set by the simulator's task driver before the
   * first task runs): only then do punches stop at their yield points. Until then no generator
   * yields, and nothing pays for stepping.
   */
  stepping = false;
  readonly superblocks: Superblock[] = [];
  /** Every inode ever created, unlinked ones included (they stay open to the end). */
  readonly inodes: Inode[] = [];
  #internal: Superblock | undefined;
  #folios = 0;
  #files = 0;
  #mounts = 0;
  /** The task whose commands run now: its mount, file, mapping and pins. */
  #t = new TaskState();
  /** `memory LIMIT`, in bytes; 0: no limit. */
  #memoryLimit = 0n;
  /** The page caches' change count at the last unsettled invariant check (`checkInvariants`). */
  #checkedChanges = -1;

  readonly bugs: Bugs;
  /** The what-if policy the model asks where a proposal differs from 6.18 (policy/policy.ts). */
  readonly policy: Policy;
  readonly perBlock: PerBlock | undefined;

  /**
   * `decisions`: told why the model did what it did (`foliolog explain`); without it, nothing
   * is. `variant`: answer as that build does where builds differ (default: `MODELLED_RELEASE`).
   * `bugs`: the bug switches to put back (issue 9), none by default. `policy`: the what-if
   * policy (default `linux-6.18`), with what a switch needs added (`policyForBugs`).
   */
  constructor(sink: EventSink, decisions?: DecisionSink, variant?: KernelVariant, bugs: readonly BugName[] = [],
    policy: PolicySpec = [{ name: DEFAULT_POLICY, params: {} }]) {
    this.sink = sink;
    this.decisions = decisions;
    this.variant = variant;
    this.bugs = bugsOf(bugs);
    this.policy = policyOf(policyForBugs(policy, bugs));
    this.perBlock = this.policy.perBlock;
  }

  /** @inheritdoc */
  nextFolioId(): FolioId {
    return ++this.#folios as FolioId;
  }

  /** The current task's file, if any. */
  get currentFile(): Inode | undefined {
    return this.#t.file;
  }

  /** The task whose commands run now (at first the only one). */
  get task(): TaskState {
    return this.#t;
  }

  /** Run the next commands as task `t` (a task made by `forkTask`). */
  switchTask(t: TaskState): void {
    this.#t = t;
  }

  /** A new task that starts with a copy of the current task's state (see `TaskState.fork`). */
  forkTask(): TaskState {
    return this.#t.fork();
  }

  #internalSb(): Superblock {
    if (!this.#internal) {
      this.#internal = newSuperblock('internal', 'never', 0);
      this.superblocks.push(this.#internal);
    }
    return this.#internal;
  }

  #create(name: string, cwd: Cwd): Inode {
    const huge = cwd.kind === 'tmpfs' ? cwd.sb.huge : this.thp.shmMntHuge;
    const inode = newInode(++this.#files as FileId, name, cwd.sb, cwd.kind, huge !== 'never');
    // Files of the internal mount have no link (shmem_file_setup clears it).
    if (cwd.kind === 'tmpfs') cwd.sb.dir.set(name, inode);
    else inode.nlink = 0;
    if (cwd.kind === 'memfd') cwd.handles.set(name, inode);
    this.inodes.push(inode);
    this.sink.emit({ type: 'file_created', file: inode.id, name, mount: cwd.mount, kind: inode.kind });
    return inode;
  }

  /** Replace the current mapping (munmap of the old one), keeping each inode's i_mmap. */
  #setMapping(m: Mapping | undefined): void {
    const old = this.#t.mapping;
    if (old) old.vmas[0]!.inode.mappings.delete(old);
    this.#t.mapping = m;
    if (m) m.vmas[0]!.inode.mappings.add(m);
  }

  #switchTo(inode: Inode): void {
    this.#t.file = inode;
    this.sink.emit({ type: 'file_switched', file: inode.id });
  }

  /**
   * `mount -t tmpfs -o huge=H,size=S` on a fresh folder, creating file `f`.
   * @returns 0; EINVAL for a `huge=` value a mount refuses (deny, force, unknown).
   * Mirrors: mm/shmem.c shmem_parse_one(), shmem_fill_super().
   */
  mountTmpfs(huge: string | undefined, size: bigint | undefined): OpResult {
    this.#t.cwd = undefined;
    this.#t.file = undefined;
    this.#setMapping(undefined);
    const h = huge ?? 'never';
    if (!isHugeSetting(h)) return fail('EINVAL', `huge=${h}`);
    const sb = newSuperblock('tmpfs', h, size ? pagesCeil(size) : 0);
    this.superblocks.push(sb);
    this.#t.cwd = { sb, kind: 'tmpfs', mount: ++this.#mounts, handles: new Map() };
    this.#switchTo(this.#create('f', this.#t.cwd));
    return ok();
  }

  /** `memfd_create("f")` on the internal mount. @returns 0. */
  mountMemfd(): OpResult {
    this.#setMapping(undefined);
    this.#t.cwd = { sb: this.#internalSb(), kind: 'memfd', mount: ++this.#mounts, handles: new Map() };
    this.#switchTo(this.#create('f', this.#t.cwd));
    return ok();
  }

  /** `mount -o remount,huge=H` of the current tmpfs mount. @returns 0; EINVAL (bad value, no tmpfs mount). */
  remount(huge: string): OpResult {
    if (!this.#t.cwd || this.#t.cwd.kind !== 'tmpfs') return fail('EINVAL', 'no tmpfs mount to remount');
    if (!isHugeSetting(huge)) return fail('EINVAL', `huge=${huge}`);
    this.#t.cwd.sb.huge = huge;
    return ok();
  }

  /** `echo V > K` for each pair in order; the first refusal ends the line. @returns 0 or EINVAL. */
  writeKnobs(writes: ReadonlyArray<{ readonly key: string; readonly value: string }>): OpResult {
    for (const w of writes) {
      const r = this.thp.write(w.key, w.value);
      if (!r.ok) return r;
    }
    return ok();
  }

  /**
   * Switch to NAME on the current mount, creating it when the script has not made it there
   * (product.md §1): a tmpfs path, or a memfd the script made on this memfd mount under NAME
   * (its handle; a new name is another `memfd_create(NAME)`). The current mapping is dropped.
   * A refused `open` changes nothing: on an anon/SysV region (no directory) the region stays
   * mapped and current. `name` is one path component (the script language guarantees it).
   * @returns 0; EBADF without a mount; EINVAL on an anon/SysV region, or for a new memfd name
   *   longer than MFD_NAME_MAX_LEN (249 bytes: "memfd:" + name is one dentry name).
   * Mirrors: mm/memfd.c memfd_create() (its name check).
   */
  open(name: string): OpResult {
    invariant(name !== '' && name !== '.' && name !== '..' && !name.includes('/'), `open: not one path component: ${name}`);
    const cwd = this.#t.cwd;
    if (!cwd) return fail('EBADF', 'no mount');
    if (cwd.kind === 'anon' || cwd.kind === 'sysv') return fail('EINVAL', 'a shared-memory region has no directory');
    const existing = cwd.kind === 'tmpfs' ? cwd.sb.dir.get(name) : cwd.handles.get(name);
    if (!existing && cwd.kind === 'memfd' && name.length > MFD_NAME_MAX_LEN) return fail('EINVAL', 'memfd name too long');
    this.#setMapping(undefined);
    this.#switchTo(existing ?? this.#create(name, cwd));
    return ok();
  }

  /** Unlink the current file; it stays open and current. @returns 0; EBADF; ENOENT (no name). */
  unlink(): OpResult {
    const f = this.#t.file;
    if (!f) return fail('EBADF', 'no current file');
    if (f.kind !== 'tmpfs' || f.sb.dir.get(f.name) !== f) return fail('ENOENT', 'the file has no name to unlink');
    f.sb.dir.delete(f.name);
    f.nlink = 0;
    return ok();
  }

  /** Run `op` on the current file, then re-derive its reclaim candidate. */
  #onFile(op: (inode: Inode) => OpResult): OpResult {
    const f = this.#t.file;
    if (!f) return fail('EBADF', 'no current file');
    const r = op(f);
    updateReclaimCandidate(this, f);
    return r;
  }

  /** See ops/write.ts. */
  pwrite(byte: number, pos: bigint, len: bigint): OpResult {
    return this.#onFile((f) => pwrite(this, f, byte, pos, len));
  }

  /** See ops/read.ts. */
  pread(pos: bigint, len: bigint): ReadResult {
    const f = this.#t.file;
    if (!f) return { result: fail('EBADF', 'no current file'), data: [] };
    return pread(f, pos, len);
  }

  /** See ops/lseek.ts. */
  lseek(whence: 'data' | 'hole', offset: bigint): OpResult {
    return this.#onFile((f) => lseek(f, whence, offset, this.perBlock));
  }

  /** See ops/truncate.ts. */
  truncate(size: bigint): OpResult {
    return this.#onFile((f) => truncate(this, f, size));
  }

  /**
   * `fallocate(FALLOC_FL_ZERO_RANGE)`: shmem does not support it, after vfs_fallocate()'s checks.
   * @returns EOPNOTSUPP; EBADF; EINVAL (len ≤ 0); EFBIG (past MAX_LFS_FILESIZE).
   */
  fzero(pos: bigint, len: bigint): OpResult {
    return this.#onFile(() => vfsFallocateChecks(pos, len) ?? fail('EOPNOTSUPP', 'shmem has no FALLOC_FL_ZERO_RANGE'));
  }

  /** `fallocate(0 | FALLOC_FL_KEEP_SIZE)`: see ops/fallocate.ts. */
  fallocate(keepSize: boolean, pos: bigint, len: bigint): OpResult {
    return this.#onFile((f) => fallocate(this, f, keepSize, pos, len));
  }

  /** `fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)`: see ops/punch.ts. */
  fpunch(pos: bigint, len: bigint): OpResult {
    return runToEnd(this.fpunchSteps(pos, len));
  }

  /** {@link fpunch}, steppable at its yield points. */
  *fpunchSteps(pos: bigint, len: bigint): Steps<OpResult> {
    const f = this.#t.file;
    if (!f) return fail('EBADF', 'no current file');
    const r = yield* fpunchSteps(this, f, pos, len);
    updateReclaimCandidate(this, f);
    return r;
  }

  /** `echo 2 > /proc/sys/vm/drop_caches`: see ops/reclaim.ts. Needs no file. @returns 0. */
  reclaim(): OpResult {
    return reclaim(this, this.superblocks, this.inodes);
  }

  /** `scan`: one pass of the what-if policy's scanner. @returns the pages it freed (0 without one). */
  scan(): OpResult {
    const freed = this.policy.scan(this, this.inodes);
    for (const f of this.inodes) updateReclaimCandidate(this, f);
    return ok(BigInt(freed));
  }

  /**
   * Pages resident in every file's page cache that hold no written byte (punched, fallocated
   * or never written): resident pages less the pages the files' bytes touch (written bytes
   * only live in resident pages). O(files + byte runs). Pure.
   */
  noDataPages(): number {
    let n = 0;
    for (const f of this.inodes) n += f.cache.nrPages - f.content.pagesWritten();
    return n;
  }

  /** `memory LIMIT`: from now on, reclaim after each command while resident memory passes LIMIT bytes (0: no limit). @returns 0. */
  memory(limit: bigint): OpResult {
    this.#memoryLimit = limit;
    return ok();
  }

  /**
   * A command ended: the policy's periodic work (`zeropage-scan:every=N`), then memory
   * pressure when resident memory is over the `memory` limit (ops/pressure.ts).
   */
  commandEnded(): void {
    let changed = this.policy.commandEnded(this, this.inodes);
    const limit = this.#memoryLimit;
    if (limit > 0n && BigInt(residentPages(this.inodes)) * PAGE_SIZE_N > limit) {
      relievePressure(this, this.superblocks, this.inodes, limit);
      changed = true;
    }
    if (changed) for (const f of this.inodes) updateReclaimCandidate(this, f);
  }

  /**
   * `mmap(MAP_SHARED|MAP_ANONYMOUS)` of `size` bytes (kind `anon`), or `shmget` + `shmat`
   * (kind `sysv`), at a 2 MiB-aligned address: an inode on the internal mount, already mapped
   * and current. @returns 0; EINVAL for a zero size.
   * Mirrors: mm/shmem.c shmem_zero_setup(), ipc/shm.c newseg() + do_shmat().
   */
  mountRegion(kind: 'anon' | 'sysv', size: bigint): OpResult {
    this.#t.cwd = undefined;
    this.#t.file = undefined;
    this.#setMapping(undefined);
    if (size <= 0n) return fail('EINVAL', 'zero-sized region');
    this.#t.cwd = { sb: this.#internalSb(), kind, mount: ++this.#mounts, handles: new Map() };
    const inode = this.#create(kind, this.#t.cwd);
    // The anonymous region's file spans whole pages (the VMA); a SysV segment keeps its size.
    inode.iSize = kind === 'anon' ? BigInt(pagesCeil(size)) * 4096n : size;
    this.sink.emit({ type: 'i_size_changed', file: inode.id, size: inode.iSize });
    this.#switchTo(inode);
    this.#setMapping(newMapping(inode, kind, 0, 0, size));
    return ok();
  }

  /** See ops/mmap.ts. A new mapping replaces the current one. */
  mmap(misalign: bigint, range: Range | undefined): OpResult {
    const f = this.#t.file;
    // The old mapping goes first, whether or not the new one can be made.
    this.#setMapping(undefined);
    if (!f) return fail('EBADF', 'no current file');
    const m = mmap(f, misalign, range);
    if (isResult(m)) return m;
    this.#setMapping(m);
    return ok();
  }

  /** `munmap` of the current mapping. @returns 0; EINVAL without one. */
  munmap(): OpResult {
    if (!this.#t.mapping) return fail('EINVAL', 'no mapping');
    this.#setMapping(undefined);
    return ok();
  }

  /** `mread` (no byte) / `mwrite` (byte): see ops/touch.ts. */
  touch(range: Range | undefined, byte?: number): OpResult {
    return this.#onMapping((m) => touch(this, m, range, byte));
  }

  /** {@link touch}, steppable at its yield points. */
  *touchSteps(range: Range | undefined, byte?: number): Steps<OpResult> {
    const m = this.#t.mapping;
    const r = yield* touchSteps(this, m, range, byte);
    if (m) updateReclaimCandidate(this, m.vmas[0]!.inode);
    return r;
  }

  /** See ops/madvise.ts. */
  madvise(advice: VmaAdvice, range: Range | undefined): OpResult {
    return this.#onMapping((m) => madvise(m, advice, range));
  }

  /** `madvise(MADV_REMOVE)`: see ops/madvise.ts. */
  madviseRemove(range: Range | undefined): OpResult {
    return runToEnd(this.madviseRemoveSteps(range));
  }

  /** {@link madviseRemove}, steppable at its yield points. */
  *madviseRemoveSteps(range: Range | undefined): Steps<OpResult> {
    const m = this.#t.mapping;
    const r = yield* madviseRemoveSteps(this, m, range);
    if (m) updateReclaimCandidate(this, m.vmas[0]!.inode);
    return r;
  }

  /** `madvise(MADV_COLLAPSE)`: see ops/collapse.ts. */
  collapse(range: Range | undefined): OpResult {
    return this.#onMapping((m) => madviseCollapse(this, m, range));
  }

  /** One khugepaged pass over the current mapping: see ops/collapse.ts. */
  khugepaged(): OpResult {
    return this.#onMapping((m) => khugepagedScan(this, m));
  }

  /** See ops/pin.ts. */
  pin(range: Range | undefined): OpResult {
    return this.#onMapping((m) => pin(this, m, range, this.#t.pins));
  }

  /** See ops/pin.ts. */
  unpin(range: Range | undefined): OpResult {
    return unpin(this, this.#t.mapping, range, this.#t.pins);
  }

  /** Run a mapping op, then re-derive the mapped file's reclaim candidate. */
  #onMapping(op: (m: Mapping | undefined) => OpResult): OpResult {
    const m = this.#t.mapping;
    const r = op(m);
    if (m) updateReclaimCandidate(this, m.vmas[0]!.inode);
    return r;
  }

  /** The current file's folios, by index. Pure. */
  folios(): FolioView[] {
    const out: FolioView[] = [];
    this.#t.file?.cache.forEach((f) => void out.push([f.index, f.order, f.uptodate ? 1 : 0]));
    return out;
  }

  /**
   * The current file's page cache to walk in pgoff order, with its folio count, without listing
   * it: a reader that shows only its start (a table row) costs what it shows. Valid until the
   * next operation.
   */
  walkFolios(): FolioWalk {
    const cache = this.#t.file?.cache;
    return {
      count: cache?.nrFolios ?? 0,
      *[Symbol.iterator]() {
        if (cache) for (const f of cache.all()) yield [f.index, f.order, f.uptodate ? 1 : 0];
      },
    };
  }

  /**
   * The current file's layout digest (0 without one): `layoutDigest(folios(), undefined,
   * size())` of src/script, kept up to date as the page cache changes, so that it costs what
   * the last command changed, not the size of the page cache.
   */
  layoutDigest(): number {
    const f = this.#t.file;
    return f ? f.cache.layoutDigest(pagesCeil(f.iSize)) : 0;
  }

  /** The current file's i_size (0 without one). Pure. */
  size(): bigint {
    return this.#t.file?.iSize ?? 0n;
  }

  /** The current file's st_blocks: 8 per page held (0 without one). Pure. */
  blocks(): bigint {
    return BigInt(this.#t.file?.cache.nrPages ?? 0) * 8n;
  }

  /**
   * Check every structural invariant; throws InvariantError. `settled` false: an operation is
   * in flight (tasks), so what operations re-derive when they end is not checked, and a check
   * is skipped when no page cache changed since the last one that was not settled (between
   * two steps a fault often only looked a folio up; the check walks every folio).
   */
  checkInvariants(settled = true): void {
    if (!settled) {
      let changes = this.inodes.length;
      for (const f of this.inodes) changes += f.cache.changes;
      if (changes === this.#checkedChanges) return;
      this.#checkedChanges = changes;
    }
    checkInvariants(this.superblocks, this.inodes, settled, (f) => this.policy.marksReclaim(f));
    this.perBlock?.checkInvariants(this.inodes);
  }
}
