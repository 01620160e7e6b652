import { VarintReader, VarintWriter } from './_varint.js';

/*
 * `folios.events` (migration 0005): the seqs of a folio's events after its birth, each as the
 * varint delta from the one before (the first from `born_seq`). Written by the run writer when
 * the folio ends, or when its run finishes; read by histories.
 */

/** Encode the seqs (ascending, all > `bornSeq`) of a folio's events after its birth. Pure. */
export function encodeEventSeqs(bornSeq: number, seqs: readonly number[]): Uint8Array {
  const w = new VarintWriter();
  let prev = bornSeq;
  for (const s of seqs) {
    w.uint(s - prev);
    prev = s;
  }
  return w.bytes();
}

/** The folio's event seqs, its birth first. @throws StoreError `E_CORRUPT`. Pure. */
export function decodeEventSeqs(bornSeq: number, blob: Uint8Array): number[] {
  const r = new VarintReader(blob);
  const out = [bornSeq];
  while (!r.done) out.push(out[out.length - 1]! + r.uint());
  return out;
}
