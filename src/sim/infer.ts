import type { FileId, FolioId, ModelEvent } from '../model/index.js';
import type { Command, Observation, Script, ScriptLine } from '../script/index.js';
import { layoutDigest } from '../script/index.js';
import { EventLog } from './event-log.js';
import { type SeenFolio, SeenLayout } from './_seen-layout.js';
import type { RunRecorder } from './recorder.js';

/** Largest order a page cache folio can have here (`MAX_PAGECACHE_ORDER`, kernel.md). */
const MAX_ORDER = 9;

/** What a `mount` line creates. */
type FileKind = Extract<Command, { readonly cmd: 'mount' }>['kind'];

/** A file of a kernel run, with the layout its last observation showed. */
interface SeenFile {
  readonly id: number;
  readonly name: string;
  readonly mount: number;
  linked: boolean;
  size: bigint;
  folios: SeenLayout;
}

const end = (f: { readonly pgoff: number; readonly order: number }): number => f.pgoff + 2 ** f.order;
const inside = (small: SeenFolio, big: SeenFolio): boolean => big.pgoff <= small.pgoff && end(small) <= end(big);

/** Aligned blocks, largest first, covering pages `[start, start + n)`. Pure. */
function tile(start: number, n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let p = start; p < start + n;) {
    let o = MAX_ORDER;
    while (o > 0 && (p % 2 ** o !== 0 || p + 2 ** o > start + n)) o--;
    out.push([p, o]);
    p += 2 ** o;
  }
  return out;
}

/** Two lists sorted by pgoff (no pgoff in both) as one, in one walk. Pure. */
function merged(a: readonly SeenFolio[], b: readonly SeenFolio[]): SeenFolio[] {
  const out: SeenFolio[] = [];
  let j = 0;
  for (const f of a) {
    while (j < b.length && b[j]!.pgoff < f.pgoff) out.push(b[j++]!);
    out.push(f);
  }
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** A folio as an observation shows it: `[pgoff, order, uptodate]`. */
type Shown = readonly [number, number, 0 | 1];

/** True when `folios` is sorted by pgoff. Pure. */
function byPgoff(folios: readonly Shown[]): boolean {
  for (let i = 1; i < folios.length; i++) if (folios[i - 1]![0] > folios[i]![0]) return false;
  return true;
}

/**
 * The folios an observation shows, blind runs tiled as uptodate folios, by pgoff: the
 * observation's own list when it has no blind runs and is sorted, as the probe prints it. Pure.
 */
function shownFolios(o: Observation): readonly Shown[] {
  if ((o.blind === undefined || o.blind.length === 0) && byPgoff(o.folios)) return o.folios;
  const shown: Shown[] = [...o.folios];
  for (const [start, n] of o.blind ?? []) for (const [pgoff, order] of tile(start, n)) shown.push([pgoff, order, 1]);
  return shown.sort((a, b) => a[0] - b[0]);
}

/**
 * Infers model-shaped events for a run recorded on the real kernel, which shows only the page
 * cache of the current file after each command (product.md §2), never the events between.
 * For each command, in order, it compares the layout the observation shows with the one the
 * same file showed last, and emits the events of the model's vocabulary (src/model/events.ts)
 * through the simulator's own `EventLog`, which steps every folio through the lifecycle machine
 * and hands rows to the recorder exactly as for a model run:
 *
 * - a folio (same pgoff and order) seen again keeps its id; one that turned uptodate gets
 *   `folio_marked_uptodate`;
 * - a folio that vanished while new folios appeared inside it gets `folio_split` (arg: the
 *   smallest piece's order), and those pieces are born with cause `split` and it as parent;
 * - a new uptodate large folio that swallowed vanished ones is born with cause `collapse`, and
 *   each of them gets `folio_collapsed` into it;
 * - any other new folio is born with cause `alloc`; any other vanished one gets `folio_removed`;
 * - `mount`, `open` give `file_created` / `file_switched` as the model emits them; a new i_size
 *   gives `i_size_changed`.
 *
 * Divergence: what happened between two observations is guessed from their difference, so the
 * events are marked `inferred` in the store. A not-uptodate run of pages is known only as the
 * tiling the probe reports, and a blind run (uptodate, wholly past EOF) is taken as its largest
 * aligned blocks; a retiling between two commands shows as a split or a removal and
 * allocation that may not have happened. Zeroing, split failures and reclaim marks leave no
 * trace in a layout and are not inferred. Files other than the current one change unseen (a
 * `reclaim` splits them); their change is inferred when they are current again. Pure apart
 * from the recorder.
 *
 * ### Example
 * ```ts
 * const infer = new KernelInference(recorder);
 * for (const [i, o] of observations.entries()) infer.step(script.lines[i]!, o);
 * infer.events; // how many events were recorded
 * ```
 */
export class KernelInference {
  readonly #log: EventLog;
  readonly #recorder: RunRecorder | undefined;
  readonly #files: SeenFile[] = [];
  #current: SeenFile | undefined;
  #mount: { readonly number: number; readonly kind: FileKind } | undefined;
  #mounts = 0;
  #folios = 0;

  /** @param recorder - where rows go (the store's run writer, in the CLI); none for a dry run */
  constructor(recorder?: RunRecorder) {
    this.#recorder = recorder;
    this.#log = new EventLog(recorder, false);
  }

  /** Events emitted so far (the seq of the last one). */
  get events(): number {
    return this.#log.seq;
  }

  /**
   * Take the observation of one command: emit the events inferred from it, then record the
   * operation (as the simulator does after each command).
   * @param line - the script line the observation belongs to
   * @param obs - its §2 observation, as the probe printed it
   * @throws InvariantError when an inferred event is one the folio machine refuses (a bug here)
   */
  step(line: ScriptLine, obs: Observation): void {
    this.#log.i = obs.i;
    if (typeof obs.ret !== 'string') this.#fileEffect(line.command);
    else if (line.command.cmd === 'mount') this.#current = this.#mount = undefined;
    const file = this.#current;
    if (file !== undefined) {
      this.#layoutChange(file, shownFolios(obs));
      if (obs.size !== file.size) {
        file.size = obs.size;
        this.#emit({ type: 'i_size_changed', file: file.id as FileId, size: obs.size });
      }
    }
    // The observed lists are all a kernel run has: its digest comes from them.
    const layout = layoutDigest(obs.folios, obs.blind, obs.size);
    this.#recorder?.operation(obs, line.task, file?.id ?? null, this.#log.seq, { layout });
  }

  #emit(e: ModelEvent): void {
    this.#log.emit(e);
  }

  #create(name: string, mount: { readonly number: number; readonly kind: FileKind }): SeenFile {
    const f: SeenFile = { id: this.#files.length + 1, name, mount: mount.number, linked: true, size: 0n, folios: SeenLayout.EMPTY };
    this.#files.push(f);
    this.#emit({ type: 'file_created', file: f.id as FileId, name, mount: mount.number, kind: mount.kind });
    return f;
  }

  #switch(f: SeenFile): void {
    this.#current = f;
    this.#emit({ type: 'file_switched', file: f.id as FileId });
  }

  /** Files made or switched to by a command that succeeded (mirrors the probe's bookkeeping). */
  #fileEffect(c: Command): void {
    if (c.cmd === 'mount') {
      this.#mount = { number: ++this.#mounts, kind: c.kind };
      this.#switch(this.#create('f', this.#mount));
    } else if (c.cmd === 'open' && this.#mount !== undefined) {
      const mount = this.#mount;
      // As in the probe and the model, `open` of a name the script made on this mount switches
      // back to it, a memfd too (product.md §1); a memfd is never unlinked (ENOENT).
      const existing = this.#files.find((f) => f.mount === mount.number && f.linked && f.name === c.name);
      this.#switch(existing ?? this.#create(c.name, mount));
    } else if (c.cmd === 'unlink' && this.#current !== undefined) {
      this.#current.linked = false;
    }
  }

  #born(file: SeenFile, f: Omit<SeenFolio, 'id'>, cause: 'alloc' | 'split' | 'collapse', parent: number | null): SeenFolio {
    const folio = { ...f, id: ++this.#folios };
    this.#emit({ type: 'folio_added', folio: folio.id as FolioId, file: file.id as FileId, index: f.pgoff, order: f.order,
      parent: parent as FolioId | null, cause });
    if (f.uptodate === 1) this.#emit({ type: 'folio_marked_uptodate', folio: folio.id as FolioId });
    return folio;
  }

  /**
   * Emit the events that turn `file`'s last layout into `shown`. Both are sorted by pgoff: the
   * folios equal at the start and at the end of both lists are kept as they were, found with a
   * comparison each, and only the stretch between (a command's few changed folios) is paired
   * by pgoff and goes through the split, collapse and removal rules below.
   */
  #layoutChange(file: SeenFile, shown: readonly Shown[]): void {
    const was = file.folios;
    const same = (k: number, s: Shown): boolean => was.is(k, s[0], s[1], s[2]);
    let lo = 0;
    while (lo < was.length && lo < shown.length && same(lo, shown[lo]!)) lo++;
    let wasHi = was.length;
    let shownHi = shown.length;
    while (wasHi > lo && shownHi > lo && same(wasHi - 1, shown[shownHi - 1]!)) { wasHi--; shownHi--; }
    if (wasHi === lo && shownHi === lo) return;
    const kept: SeenFolio[] = [];
    const turnedUptodate: SeenFolio[] = [];
    const fresh: Array<Omit<SeenFolio, 'id'>> = [];
    const gone: SeenFolio[] = [];
    let i = lo;
    for (let k = lo; k < shownHi; k++) {
      const s = shown[k]!;
      const pgoff = s[0];
      const order = s[1];
      const uptodate = s[2];
      while (i < wasHi && was.at(i).pgoff < pgoff) gone.push(was.at(i++));
      const old = i < wasHi && was.at(i).pgoff === pgoff && was.at(i).order === order ? was.at(i) : undefined;
      // A folio cannot stop being uptodate: one that did is another folio at the same place.
      if (old !== undefined && old.uptodate <= uptodate) {
        i++;
        if (old.uptodate === uptodate) kept.push(old);
        else {
          const now = { ...old, uptodate };
          kept.push(now);
          turnedUptodate.push(now);
        }
      } else {
        fresh.push({ pgoff, order, uptodate });
      }
    }
    while (i < wasHi) gone.push(was.at(i++));

    const born: SeenFolio[] = [];
    const placed = new Set<Omit<SeenFolio, 'id'>>();
    const ended = new Set<SeenFolio>();
    for (const old of gone) {
      const pieces = fresh.filter((f) => f.order < old.order && inside({ ...f, id: 0 }, old));
      if (pieces.length === 0) continue;
      this.#emit({ type: 'folio_split', folio: old.id as FolioId, order: Math.min(...pieces.map((p) => p.order)) });
      ended.add(old);
      for (const p of pieces) {
        born.push(this.#born(file, p, 'split', old.id));
        placed.add(p);
      }
    }
    for (const f of fresh) {
      if (placed.has(f) || f.uptodate === 0 || f.order === 0) continue;
      const merged = gone.filter((old) => !ended.has(old) && old.order < f.order && inside(old, { ...f, id: 0 }));
      if (merged.length === 0) continue;
      // A collapse fills the new folio and then marks it uptodate (mm/khugepaged.c collapse_file).
      const into = this.#born(file, { ...f, uptodate: 0 }, 'collapse', null);
      for (const old of merged) {
        this.#emit({ type: 'folio_collapsed', folio: old.id as FolioId, into: into.id as FolioId });
        ended.add(old);
      }
      this.#emit({ type: 'folio_marked_uptodate', folio: into.id as FolioId });
      born.push({ ...into, uptodate: 1 });
      placed.add(f);
    }
    for (const old of gone) if (!ended.has(old)) this.#emit({ type: 'folio_removed', folio: old.id as FolioId });
    for (const f of fresh) if (!placed.has(f)) born.push(this.#born(file, f, 'alloc', null));
    for (const f of turnedUptodate) this.#emit({ type: 'folio_marked_uptodate', folio: f.id as FolioId });
    // The stretch between the equal ends is replaced by what it became.
    file.folios = was.replaced(lo, wasHi, born.length === 0 ? kept : merged(kept, born.sort((a, b) => a.pgoff - b.pgoff)));
  }
}

/**
 * Infer and record the events of a whole kernel run: one `KernelInference.step` per
 * observation, in order.
 * @param script - the script that ran (its lines give the commands)
 * @param observations - what the probe printed, one per command line
 * @param recorder - where rows go
 * @returns the number of events recorded
 */
export function inferKernelRun(script: Script, observations: readonly Observation[], recorder?: RunRecorder): number {
  const infer = new KernelInference(recorder);
  for (const [i, o] of observations.entries()) {
    const line = script.lines[i];
    if (line === undefined) throw new RangeError(`observation ${i} has no script line`);
    infer.step(line, o);
  }
  return infer.events;
}
