import { StoreError } from './errors.js';

/*
 * Unsigned LEB128 varints over non-negative safe integers. Arithmetic rather than bit
 * operators, because page indexes reach 2^51 and JS bit operators stop at 2^31.
 */

/** A growable byte buffer of varints. */
export class VarintWriter {
  #buf = new Uint8Array(64);
  #len = 0;

  /** Append `n` (a non-negative safe integer). */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
    this.#reserve(8);
    while (n >= 0x80) {
      this.#buf[this.#len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[this.#len++] = n;
  }

  /** Append a signed safe integer, zigzag-coded (0, -1, 1, -2 → 0, 1, 2, 3). */
  int(n: number): void {
    this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  /** Forget what was written, keeping the buffer (one writer serves many short blobs). */
  reset(): void {
    this.#len = 0;
  }

  /** The bytes written so far (a copy). */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  #reserve(extra: number): void {
    if (this.#len + extra <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + extra));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}

/** Reads what `VarintWriter` wrote. @throws StoreError `E_CORRUPT` on truncated input. */
export class VarintReader {
  readonly #buf: Uint8Array;
  #pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.#buf[this.#pos++];
      if (b === undefined) throw new StoreError('E_CORRUPT', 'checkpoint blob is truncated');
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new StoreError('E_CORRUPT', 'checkpoint varint is too long');
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}
