import type { OpResult, ReadResult, Shmem } from '../model/index.js';

type Run = ReadResult['data'][number];

/**
 * `pwrite -b BSIZE OFF LEN` as xfs_io issues it: `pwrite(2)` calls of min(BSIZE, what is left)
 * bytes, stopping after an empty or short call; a 0-byte LEN still makes one call. A failed
 * call fails the line with its errno (xfs_io prints the error, not the count), the bytes of
 * the earlier calls staying written. Without `-b`, one call of LEN bytes.
 * @returns the bytes written by all calls, or the first failing call's errno.
 * Mirrors: xfs_io io/pwrite.c write_buffer().
 */
export function pwriteBlocks(model: Shmem, byte: number, pos: bigint, len: bigint, bsize: bigint | undefined): OpResult {
  if (bsize === undefined) return model.pwrite(byte, pos, len);
  let done = 0n;
  for (;;) {
    const want = len - done < bsize ? len - done : bsize;
    const r = model.pwrite(byte, pos + done, want);
    if (!r.ok) return r;
    done += r.ret;
    if (r.ret === 0n || r.ret < want || done === len) return { ok: true, ret: done };
  }
}

/**
 * `pread -b BSIZE OFF LEN` as xfs_io issues it: calls of min(BSIZE, what is left) bytes while
 * bytes are left (none for LEN 0), stopping after an empty or short call; a failed call fails
 * the line. The data runs of the calls are joined, relative to OFF. Without `-b`, one call.
 * @returns the bytes read by all calls and their data, or the first failing call's errno.
 * Mirrors: xfs_io io/pread.c read_buffer().
 */
export function preadBlocks(model: Shmem, pos: bigint, len: bigint, bsize: bigint | undefined): ReadResult {
  if (bsize === undefined) return model.pread(pos, len);
  const data: Run[] = [];
  let done = 0n;
  while (done < len) {
    const want = len - done < bsize ? len - done : bsize;
    const r = model.pread(pos + done, want);
    if (!r.result.ok) return { result: r.result, data: [] };
    appendRuns(data, r.data, Number(done));
    done += r.result.ret;
    if (r.result.ret === 0n || r.result.ret < want) break;
  }
  return { result: { ok: true, ret: done }, data };
}

/** Append `runs` shifted by `base`, merging a run with the previous one when it continues it. */
function appendRuns(out: Run[], runs: ReadResult['data'], base: number): void {
  for (const [off, n, b] of runs) {
    const last = out[out.length - 1];
    if (last !== undefined && last[2] === b && last[0] + last[1] === base + off) out[out.length - 1] = [last[0], last[1] + n, b];
    else out.push([base + off, n, b]);
  }
}
