import { PAGE_SHIFT } from './arch.js';

/** PAGE_SHIFT as a bigint, for byte positions. */
const SHIFT = BigInt(PAGE_SHIFT);

/**
 * Byte content of a file as sorted runs of equal written bytes; bytes never written (or cleared
 * since) read as 0. A run of written zeros is kept as a run, so the runs also say which bytes
 * hold written data (`unwrittenBytes`, `firstWritten`). Scripts write single-byte patterns, so
 * a multi-gigabyte file is a handful of runs, never a buffer per page. Positions are exact
 * `bigint` byte offsets.
 */
export class ByteRuns {
  /** Run starts, ascending; run k covers [starts[k], ends[k]) with byte bytes[k] (0 included). */
  #starts: bigint[] = [];
  #ends: bigint[] = [];
  #bytes: number[] = [];

  /** Number of stored runs. */
  get length(): number {
    return this.#starts.length;
  }

  /** Index of the first run whose end is > pos. */
  #firstEndingAfter(pos: bigint): number {
    let lo = 0;
    let hi = this.#ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ends[mid]! > pos) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Store `byte` in every byte of [pos, pos + len): written data, zeros included. */
  fill(pos: bigint, len: bigint, byte: number): void {
    this.#replace(pos, len, byte);
  }

  /** Forget [pos, pos + len): it reads as 0 and holds no written data (a punch, a freed folio). */
  clear(pos: bigint, len: bigint): void {
    this.#replace(pos, len, undefined);
  }

  /**
   * Replace [pos, pos + len) with a run of `byte`, or with nothing when `byte` is undefined.
   * Runs stay maximal: a new run absorbs the pieces and touching neighbours of its byte. In
   * place where it can be: a write that extends a run, or a punch that trims one, moves no
   * other run.
   */
  #replace(pos: bigint, len: bigint, byte: number | undefined): void {
    if (len <= 0n) return;
    const starts = this.#starts;
    const ends = this.#ends;
    const bytes = this.#bytes;
    let first = this.#firstEndingAfter(pos);
    let k = first;
    let start = pos;
    let end = pos + len;
    while (k < starts.length && starts[k]! < end) k++;
    // Overlapped runs are contiguous: only the first can stick out on the left, the last on the right.
    let left = k > first && starts[first]! < pos;
    let right = k > first && ends[k - 1]! > end;
    if (byte !== undefined) {
      // A piece or a touching neighbour of the same byte joins the new run.
      if (left && bytes[first] === byte) { start = starts[first]!; left = false; }
      else if (!left && first > 0 && ends[first - 1] === pos && bytes[first - 1] === byte) start = starts[--first]!;
      if (right && bytes[k - 1] === byte) { end = ends[k - 1]!; right = false; }
      else if (!right && k < starts.length && starts[k] === end && bytes[k] === byte) end = ends[k++]!;
    }
    const rightStart = pos + len;
    const rightEnd = right ? ends[k - 1]! : 0n;
    const rightByte = right ? bytes[k - 1]! : 0;
    const n = (left ? 1 : 0) + (byte !== undefined ? 1 : 0) + (right ? 1 : 0);
    // Make room for n runs at `first` in place of the k − first replaced ones.
    if (n < k - first) this.#cut(first + n, k - first - n);
    else if (n > k - first) this.#open(k, n - (k - first));
    let at = first;
    // The left piece keeps its start and byte: only its end moves.
    if (left) ends[at++] = pos;
    if (byte !== undefined) this.#set(at++, start, end, byte);
    if (right) this.#set(at, rightStart, rightEnd, rightByte);
  }

  #set(k: number, start: bigint, end: bigint, byte: number): void {
    this.#starts[k] = start;
    this.#ends[k] = end;
    this.#bytes[k] = byte;
  }

  /** Remove `count` runs from position `k`. */
  #cut(k: number, count: number): void {
    this.#starts.splice(k, count);
    this.#ends.splice(k, count);
    this.#bytes.splice(k, count);
  }

  /** Insert `count` (1 or 2) placeholder runs at position `k`, for the caller to overwrite. */
  #open(k: number, count: number): void {
    if (count === 1) {
      this.#starts.splice(k, 0, 0n);
      this.#ends.splice(k, 0, 0n);
      this.#bytes.splice(k, 0, 0);
    } else {
      this.#starts.splice(k, 0, 0n, 0n);
      this.#ends.splice(k, 0, 0n, 0n);
      this.#bytes.splice(k, 0, 0, 0);
    }
  }

  /** Bytes of [pos, end) that hold no written data. Pure. */
  unwrittenBytes(pos: bigint, end: bigint): bigint {
    let written = 0n;
    for (let k = this.#firstEndingAfter(pos); k < this.#starts.length && this.#starts[k]! < end; k++) {
      const s = this.#starts[k]! > pos ? this.#starts[k]! : pos;
      const e = this.#ends[k]! < end ? this.#ends[k]! : end;
      written += e - s;
    }
    return end > pos ? end - pos - written : 0n;
  }

  /**
   * Pages (4 KiB) holding at least one written byte, zeros included: O(runs), counted when
   * asked (the lab's no-data metric, `Simulation` option `metrics`) rather than kept as runs
   * change, which cost every write and every freed folio ~15% of a long model run.
   */
  pagesWritten(): number {
    let pages = 0;
    let covered = -1; // the last page counted
    for (let k = 0; k < this.#starts.length; k++) {
      const first = Number(this.#starts[k]! >> SHIFT);
      const last = Number((this.#ends[k]! - 1n) >> SHIFT);
      // Runs are sorted and disjoint: only a page shared with the run before is counted already.
      const from = Math.max(first, covered + 1);
      if (last >= from) pages += last - from + 1;
      if (last > covered) covered = last;
    }
    return pages;
  }

  /** The first byte at or after `pos` that holds written data, or `end` if none lies before `end`. Pure. */
  firstWritten(pos: bigint, end: bigint): bigint {
    const k = this.#firstEndingAfter(pos);
    if (k >= this.#starts.length) return end;
    const s = this.#starts[k]! > pos ? this.#starts[k]! : pos;
    return s < end ? s : end;
  }

  /**
   * Runs covering [pos, pos + len), zeros included, as `[offset, length, byte]` with offsets
   * relative to `pos`. Adjacent runs always differ in byte. Pure.
   */
  read(pos: bigint, len: bigint): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    if (len <= 0n) return out;
    const end = pos + len;
    const push = (s: bigint, e: bigint, b: number): void => {
      const prev = out[out.length - 1];
      if (prev && prev[2] === b) prev[1] += Number(e - s);
      else out.push([Number(s - pos), Number(e - s), b]);
    };
    let at = pos;
    for (let k = this.#firstEndingAfter(pos); k < this.#starts.length && this.#starts[k]! < end; k++) {
      const s = this.#starts[k]! > at ? this.#starts[k]! : at;
      const e = this.#ends[k]! < end ? this.#ends[k]! : end;
      if (s > at) push(at, s, 0);
      push(s, e, this.#bytes[k]!);
      at = e;
    }
    if (at < end) push(at, end, 0);
    return out;
  }
}
