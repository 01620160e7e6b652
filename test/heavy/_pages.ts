/**
 * A page-level reference for the what-if lab's cross-checks, kept apart from the model: it
 * follows a run through the events the simulator records (which folios exist, where, which
 * fail to split, which a fault made uptodate) and the script's own commands (which bytes were
 * written, punched, truncated), and answers what the lab's metrics claim to measure:
 * - which resident pages hold no written byte, and why: `fresh` (never written since its folio
 *   came: fallocated, faulted in, or the rest of a large folio a write allocated), `kept` (wholly
 *   inside a punch or truncate that could not split its folio), `partial` (emptied by a punch
 *   that covered only part of it);
 * - where SEEK_DATA/SEEK_HOLE would answer if uptodate were kept page by page: a page is uptodate
 *   once written or once a fault, read or fallocate made its folio uptodate (not a `pwrite`: a
 *   write makes only its own pages so), and stops being when a punch covers it whole or it goes.
 * Each file's mapping is assumed to start at file offset 0 (the generators map whole files).
 */
import type { Command, ScriptLine } from '../../src/script/index.js';
import type { EventRecord, OperationFacts, OperationRecord, RunRecorder } from '../../src/sim/index.js';
import { EVENT_CODES, PAGE_SIZE as PAGE } from '../../src/model/index.js';

/** Why a resident page holds no written byte. */
export type EmptyKind = 'fresh' | 'kept' | 'partial';

interface FolioRow {
  readonly file: number;
  readonly index: number;
  readonly order: number;
}

class FilePages {
  size = 0;
  /** Written byte intervals inside each page, [start, end) in 0..PAGE, sorted, disjoint. */
  readonly bytes = new Map<number, Array<[number, number]>>();
  /** The folio holding each resident page. */
  readonly folio = new Map<number, number>();
  /** Pages uptodate in a page-by-page world. */
  readonly uptodate = new Set<number>();
  /** Why an empty resident page is empty (absent: fresh). */
  readonly kind = new Map<number, EmptyKind>();

  hasBytes(p: number): boolean {
    return (this.bytes.get(p)?.length ?? 0) > 0;
  }

  /**
   * The command wrote [pos, pos + len). Its events came first: a page a policy freed at the end of
   * the same command (a scan, memory pressure) is gone, with what was written to it.
   */
  write(pos: number, len: number): void {
    for (let p = Math.floor(pos / PAGE); p * PAGE < pos + len; p++) {
      if (!this.folio.has(p)) continue;
      const s = Math.max(pos, p * PAGE) - p * PAGE;
      const e = Math.min(pos + len, (p + 1) * PAGE) - p * PAGE;
      const merged: Array<[number, number]> = [];
      let [ns, ne] = [s, e];
      for (const [a, b] of this.bytes.get(p) ?? []) {
        if (b < ns || a > ne) merged.push([a, b]);
        else [ns, ne] = [Math.min(a, ns), Math.max(b, ne)];
      }
      merged.push([ns, ne]);
      merged.sort((x, y) => x[0] - y[0]);
      this.bytes.set(p, merged);
      this.uptodate.add(p);
      this.kind.delete(p);
    }
  }

  /** Clear [pos, end): pages wholly inside lose their uptodate state too. */
  clear(pos: number, end: number): void {
    for (let p = Math.floor(pos / PAGE); p * PAGE < end; p++) {
      const s = Math.max(pos, p * PAGE) - p * PAGE;
      const e = Math.min(end, (p + 1) * PAGE) - p * PAGE;
      const had = this.hasBytes(p);
      const left: Array<[number, number]> = [];
      for (const [a, b] of this.bytes.get(p) ?? []) {
        if (a < s) left.push([a, Math.min(b, s)]);
        if (b > e) left.push([Math.max(a, e), b]);
      }
      if (left.length > 0) this.bytes.set(p, left);
      else this.bytes.delete(p);
      const whole = s === 0 && e === PAGE;
      if (whole) this.uptodate.delete(p);
      if (!this.folio.has(p)) continue;
      if (whole) this.kind.set(p, 'kept');
      else if (had && left.length === 0) this.kind.set(p, 'partial');
    }
  }

  /** The first page at or after `from` below EOF that `want`s uptodate (true) or not, else undefined. */
  find(from: number, want: boolean): number | undefined {
    const last = Math.ceil(this.size / PAGE);
    for (let p = from; p < last; p++) if ((this.folio.has(p) && this.uptodate.has(p)) === want) return p;
    return undefined;
  }
}

/** One command's problem with the reference, for the test to print. */
export interface Mismatch {
  readonly i: number;
  readonly op: string;
  readonly what: string;
}

/**
 * Follows a run as its recorder. `onCommand` checks run after each command; the counts are
 * over every command of the run.
 */
export class PageReference implements RunRecorder {
  readonly #lines: readonly ScriptLine[];
  readonly #files = new Map<number, FilePages>();
  readonly #folios = new Map<number, FolioRow>();
  #current = 0;
  /** Folios whose split failed in the command under way. */
  readonly #failed = new Set<number>();
  readonly mismatches: Mismatch[] = [];
  /** Empty resident pages after the last command, by kind. */
  empty: Record<EmptyKind, number> = { fresh: 0, kept: 0, partial: 0 };
  /** Empty resident pages that lie in large folios, after the last command. */
  emptyInLarge = 0;
  /** SEEK commands the reference answered, and how many answered otherwise. */
  seeks = 0;
  seekMismatches = 0;
  countEvery = 10;
  /** Pages the reference holds written bytes in, per file (for debugging). */
  writtenPages(): Map<number, Set<number>> {
    return new Map([...this.#files].map(([id, f]) => [id, new Set([...f.bytes.keys()].filter((p) => f.hasBytes(p) && f.folio.has(p)))]));
  }
  /** Whether to hold every SEEK against the page-by-page answer. */
  readonly #checkSeek: boolean;

  constructor(lines: readonly ScriptLine[], checkSeek: boolean) {
    this.#lines = lines;
    this.#checkSeek = checkSeek;
  }

  #file(id = this.#current): FilePages {
    let f = this.#files.get(id);
    if (f === undefined) this.#files.set(id, f = new FilePages());
    return f;
  }

  file(): void {}

  event(row: EventRecord, extra?: { born?: { file: number; pgoff: number; order: number } }): void {
    if (row.folio === null) {
      if (row.event === EVENT_CODES.file_created || row.event === EVENT_CODES.file_switched) this.#current = Number(row.arg);
      else if (row.event === EVENT_CODES.i_size_changed) this.#file().size = Number(row.arg);
      return;
    }
    const born = extra?.born;
    if (born !== undefined) {
      this.#folios.set(row.folio, { file: born.file, index: born.pgoff, order: born.order });
      const f = this.#file(born.file);
      for (let p = born.pgoff; p < born.pgoff + 2 ** born.order; p++) {
        if (!f.folio.has(p)) f.kind.delete(p);
        f.folio.set(p, row.folio);
      }
      return;
    }
    const folio = this.#folios.get(row.folio)!;
    const f = this.#file(folio.file);
    const pages = (fn: (p: number) => void) => { for (let p = folio.index; p < folio.index + 2 ** folio.order; p++) fn(p); };
    if (row.event === EVENT_CODES.folio_removed) {
      pages((p) => {
        if (f.folio.get(p) !== row.folio) return;
        f.folio.delete(p);
        f.uptodate.delete(p);
        f.bytes.delete(p);
        f.kind.delete(p);
      });
    } else if (row.event === EVENT_CODES.folio_split_failed) {
      this.#failed.add(row.folio);
    } else if (row.event === EVENT_CODES.folio_marked_uptodate && this.#lines[row.i]?.command.cmd !== 'pwrite') {
      pages((p) => f.uptodate.add(p));
    }
  }

  operation(obs: OperationRecord, _task: string | undefined, _file: number | null, _lastSeq: number, facts: OperationFacts): void {
    const line = this.#lines[obs.i]!;
    const c: Command = line.command;
    const f = this.#file();
    const problem = (what: string) => this.mismatches.push({ i: obs.i, op: line.op, what });
    const ok = typeof obs.ret !== 'string';
    if (ok && c.cmd === 'pwrite') f.write(Number(c.pos), Number(c.len));
    else if (ok && c.cmd === 'mwrite') f.write(Number(c.range?.pos ?? 0n), Number(c.range?.len ?? BigInt(f.size)));
    else if (ok && (c.cmd === 'fpunch' || (c.cmd === 'madvise' && c.advice === 'remove'))) {
      const [pos, len] = c.cmd === 'fpunch' ? [Number(c.pos), Number(c.len)] : [Number(c.range?.pos ?? 0n), Number(c.range?.len ?? BigInt(f.size))];
      f.clear(pos, pos + len);
      for (let p = Math.ceil(pos / PAGE); (p + 1) * PAGE <= pos + len; p++) {
        const id = f.folio.get(p);
        if (id === undefined) continue;
        // A page wholly punched and still there: its large folio refused the split in this command.
        if (this.#folios.get(id)!.order === 0 || !this.#failed.has(id)) problem(`page ${p} punched but kept without a failed split of its folio`);
      }
    } else if (ok && c.cmd === 'truncate') {
      let end = 0;
      for (const p of [...f.bytes.keys(), ...f.folio.keys()]) end = Math.max(end, (p + 1) * PAGE);
      if (end > Number(c.size)) f.clear(Number(c.size), end);
    } else if (c.cmd === 'seek' && this.#checkSeek) {
      this.seeks++;
      const expected = this.#seek(f, c.whence, Number(c.offset));
      if (String(expected) !== String(obs.ret)) {
        this.seekMismatches++;
        problem(`seek ${c.whence} ${c.offset}: ${String(obs.ret)}, page by page ${expected}`);
      }
    }
    this.#failed.clear();
    // Counting walks every resident page: every 10th command and the last.
    if (this.countEvery === 1 || obs.i % 10 === 0 || obs.i === this.#lines.length - 1) this.#count(obs.i, facts.noData);
  }

  /** lseek(SEEK_DATA/SEEK_HOLE) answered page by page over the reference's uptodate pages. */
  #seek(f: FilePages, whence: 'data' | 'hole', offset: number): number | string {
    if (offset >= f.size) return 'ENXIO';
    const p = f.find(Math.floor(offset / PAGE), whence === 'data');
    if (p === undefined) return whence === 'data' ? 'ENXIO' : f.size;
    return Math.min(Math.max(offset, p * PAGE), f.size);
  }

  #count(i: number, noData: number | undefined): void {
    const empty: Record<EmptyKind, number> = { fresh: 0, kept: 0, partial: 0 };
    let inLarge = 0;
    for (const f of this.#files.values()) {
      for (const [p, id] of f.folio) {
        if (f.hasBytes(p)) continue;
        empty[f.kind.get(p) ?? 'fresh']++;
        if (this.#folios.get(id)!.order > 0) inLarge++;
      }
    }
    this.empty = empty;
    this.emptyInLarge = inLarge;
    const total = empty.fresh + empty.kept + empty.partial;
    if (noData !== undefined && noData !== total) {
      this.mismatches.push({ i, op: 'no-data', what: `the run counts ${noData} no-data pages, the reference ${total}` });
    }
  }
}
