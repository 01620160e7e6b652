import type { Shmem } from '../model/index.js';
import { ByteRuns, HPAGE_PMD_ORDER, MAX_LFS_FILESIZE, MAX_PAGECACHE_ORDER, PAGE_SIZE } from '../model/index.js';
import type { Command } from '../script/index.js';
import type { EventLog } from './event-log.js';
import type { CachedFolio } from './live-folios.js';
import { firstAbsentPage, listsEvery, walkedDigest } from './oracle-layout.js';
import type { OperationRecord } from './recorder.js';

/** The page size, for byte positions. */
const PAGE = BigInt(PAGE_SIZE);

/** Pages that `bytes` reach into (rounded up). Pure. */
function pagesUp(bytes: bigint): bigint {
  return (bytes + PAGE - 1n) / PAGE;
}

/** A mapping as the oracle follows it: file and byte range. */
interface Mapped {
  readonly file: number;
  readonly pos: bigint;
  readonly end: bigint;
}

/** A file, as the oracle reads it. */
type Inode = NonNullable<Shmem['currentFile']>;

/** A file's page cache, as the oracle reads it. */
type Cache = NonNullable<Shmem['currentFile']>['cache'];

/** A failed oracle check: the model disagrees with itself. */
export class OracleError extends Error {
  override readonly name = 'OracleError';
  readonly code = 'E_ORACLE';
  /** The check that failed (see `CheckName`). */
  readonly check: CheckName;

  constructor(check: CheckName, message: string) {
    super(message);
    this.check = check;
  }
}

/**
 * The oracle's named checks: `event-log` (the replayed events describe the page cache),
 * `st-blocks`, `layout-digest`, `alloc-counters` (shmem_alloc counts the folios born),
 * `byte-model` (reads return the bytes the commands stored, fsx's good_buf),
 * `punch-empties-range` (when a punch returns, no folio lies wholly inside its range),
 * `new-folio-order` (every new folio's order is one the controls in force allow on its path).
 * `invariants` stands for the model's structural invariants (InvariantError).
 */
export type CheckName = 'event-log' | 'st-blocks' | 'layout-digest' | 'alloc-counters' | 'byte-model'
  | 'punch-empties-range' | 'new-folio-order' | 'invariants';

/**
 * The oracle, independent of the model's page cache: the bytes every file should hold (fsx's
 * good_buf, kept from the commands alone), checked against every read; the model's structural
 * invariants; and the per-size allocation counters against the folios the event log saw born.
 */
export class Oracle {
  readonly #expected = new Map<number, ByteRuns>();
  /**
   * Each task's mapping as the commands describe it: file and byte range ('' = the setup's,
   * which each task starts with).
   */
  readonly #mappings = new Map<string, Mapped | undefined>();
  /** The task whose command is being checked ('' for a line without a prefix). */
  #task = '';
  /** Whether the command being checked overlapped another task's in time. */
  #concurrent = false;

  get #mapped(): Mapped | undefined {
    return this.#mappings.has(this.#task) ? this.#mappings.get(this.#task) : this.#mappings.get('');
  }

  set #mapped(m: Mapped | undefined) {
    this.#mappings.set(this.#task, m);
  }
  /**
   * Byte ranges per file whose content the commands do not determine: an mwrite ended by
   * SIGBUS may have stored past the EOF page, into pages still mapped there (kernel.md §7); the
   * first read of such a range adopts what it returns.
   */
  readonly #unknown = new Map<number, Array<readonly [bigint, bigint]>>();

  #bytes(file: number): ByteRuns {
    let b = this.#expected.get(file);
    if (!b) this.#expected.set(file, (b = new ByteRuns()));
    return b;
  }

  /**
   * Check the state after `command` produced `obs` on the current file: its folio list, when
   * the run listed one, must be the page cache's. Throws OracleError/InvariantError. O(folios
   * of the machine), without listing them. `concurrent`: the command overlapped another task's
   * in time; `settled` false: another task's command is still in flight.
   */
  check(model: Shmem, log: EventLog, command: Command, obs: OperationRecord, task?: string, concurrent = false,
    settled = true): void {
    this.#task = task ?? '';
    this.#concurrent = concurrent;
    model.checkInvariants(settled);
    const file = model.currentFile;
    const live = log.live;
    const forEachFolio = (fn: (f: CachedFolio) => void): void => file?.cache.forEach(fn);
    const listed = obs.folios === undefined || listsEvery(obs.folios, forEachFolio);
    if (file && live && !(live.matches(file.id, forEachFolio) && listed)) {
      const replayed = JSON.stringify(live.foliosOf(file.id));
      throw new OracleError('event-log', `the event log describes folios ${replayed}, the page cache holds ${JSON.stringify(obs.folios ?? model.folios())}`);
    }
    const pages = file && live ? live.pagesOf(file.id) : file?.cache.nrPages ?? 0;
    if (obs.blocks !== BigInt(pages) * 8n) throw new OracleError('st-blocks', `st_blocks ${obs.blocks} disagrees with the folios held`);
    // The digest the model keeps as it goes must be the one a walk of its page cache gives.
    const digest = walkedDigest(file?.cache, obs.size);
    if (model.layoutDigest() !== digest) {
      throw new OracleError('layout-digest', `the model's layout digest ${model.layoutDigest()} is not ${digest}, its folios' digest`);
    }
    if (file && typeof obs.ret === 'bigint') this.#follow(file.id, this.#bytes(file.id), command, obs);
    else if (file && command.cmd === 'pwrite' && command.bsize !== undefined) {
      // A `pwrite -b` whose later call failed kept the bytes of its earlier calls, and its
      // errno does not say how many: the range is unknown until read.
      const end = command.pos + command.len;
      this.#unknown.set(file.id, [...(this.#unknown.get(file.id) ?? []), [command.pos, end < MAX_LFS_FILESIZE ? end : MAX_LFS_FILESIZE]]);
    }
    this.#followMapping(file?.id, command, obs, file?.cache);
    this.#checkPunched(model, file, command, obs);
    checkNewFolioOrders(model, log, command, obs.i);
    for (let o = 1; o <= HPAGE_PMD_ORDER; o++) {
      const counted = model.stats.get(o, 'shmem_alloc');
      if (counted !== log.allocatedByOrder[o]) {
        throw new OracleError('alloc-counters', `order ${o}: shmem_alloc is ${counted} but ${log.allocatedByOrder[o]} folios were allocated`);
      }
    }
  }

  /** Take the bytes a read returned over the unknown ranges it covers as known from now on. */
  #adoptUnknown(file: number, bytes: ByteRuns, pos: bigint, len: bigint, data: ReadonlyArray<readonly [number, number, number]>): void {
    const ranges = this.#unknown.get(file);
    if (!ranges) return;
    const end = pos + len;
    const left: Array<readonly [bigint, bigint]> = [];
    for (const [a, b] of ranges) {
      const lo = a > pos ? a : pos;
      const hi = b < end ? b : end;
      if (lo >= hi) { left.push([a, b]); continue; }
      for (const [off, n, byte] of data) {
        const s = pos + BigInt(off);
        const e = s + BigInt(n);
        const x = s > lo ? s : lo;
        const y = e < hi ? e : hi;
        if (x < y) bytes.fill(x, y - x, byte);
      }
      if (a < lo) left.push([a, lo]);
      if (hi < b) left.push([hi, b]);
    }
    this.#unknown.set(file, left);
  }

  #follow(file: number, bytes: ByteRuns, c: Command, obs: OperationRecord): void {
    const ret = obs.ret as bigint;
    switch (c.cmd) {
      case 'pwrite':
        bytes.fill(c.pos, ret, c.byte);
        return;
      case 'truncate':
        bytes.clear(c.size, MAX_LFS_FILESIZE - c.size);
        return;
      case 'fpunch':
        // A punched range reads back as zeros (falloc changes no byte).
        this.#store(file, c.pos, c.pos + c.len, () => bytes.clear(c.pos, c.len));
        return;
      case 'pread': {
        this.#adoptUnknown(file, bytes, c.pos, ret, obs.data ?? []);
        const want = JSON.stringify(bytes.read(c.pos, ret));
        const got = JSON.stringify(obs.data ?? []);
        if (want !== got) throw new OracleError('byte-model', `read returned ${got}, the written bytes are ${want}`);
        return;
      }
      default:
        return;
    }
  }

  /** Track the mapping (mmap, mount anon/sysv, dropped by a successful open and by mount) and what mwrite stores. */
  #followMapping(file: number | undefined, c: Command, obs: OperationRecord, cache: Cache | undefined): void {
    const failed = typeof obs.ret === 'string';
    if ((c.cmd === 'open' && !failed) || c.cmd === 'mmap' || (c.cmd === 'mount' && (failed || c.kind === 'tmpfs' || c.kind === 'memfd'))) this.#mapped = undefined;
    if (file === undefined || (failed && obs.ret !== 'SIGBUS')) return;
    if (c.cmd === 'mount' && (c.kind === 'anon' || c.kind === 'sysv')) {
      this.#mapped = { file, pos: 0n, end: c.size };
    } else if (c.cmd === 'mmap') {
      this.#mapped = c.range ? { file, pos: c.range.pos, end: c.range.pos + c.range.len } : { file, pos: 0n, end: obs.size };
    } else if (c.cmd === 'munmap') {
      this.#mapped = undefined;
    } else if (c.cmd === 'mwrite' && this.#mapped) {
      const m = this.#mapped;
      const pos = c.range?.pos ?? m.pos;
      // Without a range: the bytes mmap was given, not rounded up to their last page.
      let end = c.range ? c.range.pos + c.range.len : m.end;
      // Overlapping another task's command (a punch), its faults and the other's effects came in
      // the scheduler's order: a page absent now may have been stored and punched after. The
      // whole range is unknown until read.
      if (this.#concurrent) {
        if (end > pos) this.#unknown.set(m.file, [...(this.#unknown.get(m.file) ?? []), [pos, end]]);
        return;
      }
      // Everything before the EOF page, or before a page absent at the size= limit, was stored.
      // Pages past EOF still mapped took no fault and were stored too (kernel.md §7); which ones
      // the commands do not say, nor whether the shrinker drops them later: the present pages
      // from the EOF page on are unknown.
      const eofPage = pagesUp(obs.size) * PAGE;
      const absent = firstAbsentPage(cache, Number(pos / PAGE));
      const stop = absent < eofPage ? absent : eofPage;
      const reach = absent < end ? absent : end;
      if (stop < reach) this.#unknown.set(m.file, [...(this.#unknown.get(m.file) ?? []), [stop, reach]]);
      if (stop < end) end = stop;
      if (end > pos) this.#store(m.file, pos, end, () => this.#bytes(m.file).fill(pos, end - pos, c.byte));
    } else if (c.cmd === 'madvise' && c.advice === 'remove' && obs.ret === 0n && this.#mapped) {
      // MADV_REMOVE punches whole pages: the length is rounded up.
      const m = this.#mapped;
      const pos = c.range?.pos ?? m.pos;
      const end = pagesUp(c.range ? c.range.pos + c.range.len : m.end) * PAGE;
      if (end > pos) this.#store(m.file, pos, end, () => this.#bytes(m.file).clear(pos, end - pos));
    }
  }

  /**
   * `punch-empties-range`: when a punch (`fpunch`, `madvise -R`) returns 0, no folio of its file
   * lies wholly inside its whole pages (a failed split may leave a folio reaching out of them).
   * Reads only the page cache: independent of how the punch and the faults went about it.
   */
  #checkPunched(model: Shmem, file: Inode | undefined, c: Command, obs: OperationRecord): void {
    if (obs.ret !== 0n) return;
    let target: Inode | undefined;
    let first: bigint;
    let end: bigint;
    if (c.cmd === 'fpunch' && file) {
      [target, first, end] = [file, pagesUp(c.pos), (c.pos + c.len) / PAGE];
    } else if (c.cmd === 'madvise' && c.advice === 'remove' && this.#mapped) {
      const m = this.#mapped;
      const pos = c.range?.pos ?? m.pos;
      target = model.inodes.find((f) => f.id === m.file);
      [first, end] = [pos / PAGE, pagesUp(c.range ? c.range.pos + c.range.len : m.end)];
    } else return;
    if (!target || end <= first) return;
    const [a, b] = [Number(first), Number(end)];
    for (const f of target.cache.rangeArray(a, b)) {
      if (f.index >= a && f.index + 2 ** f.order <= b) {
        throw new OracleError('punch-empties-range', `the punch of pages ${a}..${b - 1} returned with folio ${f.id} (${f.index}:${f.order}) inside it`);
      }
    }
  }

  /**
   * Apply what a command stored over [pos, end) of `file`; when it overlapped another task's
   * command in time, the order of their effects is the scheduler's: the range is unknown until
   * read instead.
   */
  #store(file: number, pos: bigint, end: bigint, apply: () => void): void {
    if (this.#concurrent) this.#unknown.set(file, [...(this.#unknown.get(file) ?? []), [pos, end]]);
    else apply();
  }
}


/**
 * `new-folio-order`: each large folio that command `i` allocated has an order the controls in
 * force allow on its path, an upper bound derived from the knobs alone (kernel.md §2): a fault
 * (`mread`, `mwrite`, `pin`) may take the PMD order when the file's huge setting (its mount's
 * `huge=`, the internal mount's copy of shmem_enabled) or `force` allows huge pages, and any
 * order whose per-size knob is not `never` (`inherit` following the PMD rule); a write or
 * fallocate any large order when the huge setting allows them. `deny` allows none.
 */
function checkNewFolioOrders(model: Shmem, log: EventLog, c: Command, i: number): void {
  const births = log.births;
  if (births.length === 0) return;
  const path = c.cmd === 'mread' || c.cmd === 'mwrite' || c.cmd === 'pin' ? 'fault' : c.cmd === 'pwrite' || c.cmd === 'falloc' ? 'file' : undefined;
  let kept = 0;
  for (let k = 0; k < births.length; k += 4) {
    if (births[k] !== i) {
      for (let j = 0; j < 4; j++) births[kept++] = births[k + j]!;
      continue;
    }
    const [file, index, order] = [births[k + 1]!, births[k + 2]!, births[k + 3]!];
    const inode = model.inodes.find((f) => f.id === file);
    if (path === undefined || !inode) continue;
    if ((allowedOrders(model.thp, inode, path) & (1 << order)) === 0) {
      throw new OracleError('new-folio-order', `folio ${index}:${order} of a ${path === 'fault' ? 'fault' : c.cmd}: order ${order} is not allowed by the controls in force`);
    }
  }
  births.length = kept;
}

/** The upper bound of `checkNewFolioOrders`, as a bit mask of orders. Pure. */
function allowedOrders(thp: Shmem['thp'], inode: Inode, path: 'fault' | 'file'): number {
  if (thp.global === 'deny') return 0;
  const huge = inode.sb.kind === 'internal' ? thp.shmMntHuge : inode.sb.huge;
  const hugeOn = thp.global === 'force' || huge !== 'never';
  if (path === 'file') return hugeOn ? ((1 << (MAX_PAGECACHE_ORDER + 1)) - 2) : 0;
  let m = hugeOn ? 1 << HPAGE_PMD_ORDER : 0;
  for (let o = 1; o <= HPAGE_PMD_ORDER; o++) {
    const v = thp.perSize[o];
    if (v === 'inherit' ? hugeOn : v !== 'never') m |= 1 << o;
  }
  return m;
}
