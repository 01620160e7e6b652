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

  /** Replace [pos, pos + len) with a run of `byte`, or with nothing when `byte` is undefined. */
  #replace(pos: bigint, len: bigint, byte: number | undefined): void {
    if (len <= 0n) return;
    const end = pos + len;
    const first = this.#firstEndingAfter(pos);
    let k = first;
    while (k < this.#starts.length && this.#starts[k]! < end) k++;
    const starts: bigint[] = [];
    const ends: bigint[] = [];
    const bytes: number[] = [];
    // Overlapped runs are contiguous: only the first can stick out on the left, the last on the right.
    if (k > first && this.#starts[first]! < pos) {
      starts.push(this.#starts[first]!); ends.push(pos); bytes.push(this.#bytes[first]!);
    }
    if (byte !== undefined) { starts.push(pos); ends.push(end); bytes.push(byte); }
    if (k > first && this.#ends[k - 1]! > end) {
      starts.push(end); ends.push(this.#ends[k - 1]!); bytes.push(this.#bytes[k - 1]!);
    }
    this.#starts.splice(first, k - first, ...starts);
    this.#ends.splice(first, k - first, ...ends);
    this.#bytes.splice(first, k - first, ...bytes);
    this.#merge(first - 1, first + starts.length);
  }

  /** Merge touching runs of the same byte in the window [from, to]. */
  #merge(from: number, to: number): void {
    let k = Math.max(from, 0);
    let last = Math.min(to, this.#starts.length - 1);
    while (k < last) {
      if (this.#ends[k] === this.#starts[k + 1] && this.#bytes[k] === this.#bytes[k + 1]) {
        this.#ends[k] = this.#ends[k + 1]!;
        this.#starts.splice(k + 1, 1); this.#ends.splice(k + 1, 1); this.#bytes.splice(k + 1, 1);
        last--;
      } else k++;
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
