import type { OpResult, Shmem } from '../model/index.js';
import type { Command } from '../script/index.js';

/**
 * Bytes a SEEK command reported as data that hold no written data: never written, or punched
 * or truncated away since, inside uptodate folios (SEEK_HOLE/SEEK_DATA see whole folios, so a
 * large folio makes the unwritten rest of it "data"). Read from the model's state right after
 * the seek, so it costs one walk over the byte runs of the answer's range. Pure apart from
 * reading the model.
 * - `seek -h OFF` returning H: the bytes of [OFF, H) that hold no written data (0 when OFF lies
 *   in a hole, since then H = OFF).
 * - `seek -d OFF` returning D: the bytes from D up to the first written byte at or after D,
 *   within the data run that starts at D (up to the next hole, SEEK_HOLE from D).
 * - a seek that failed (ENXIO, EBADF, ...) reported nothing as data: 0.
 * @returns the byte count for a `seek` command; undefined for every other command.
 *
 * ### Example
 * ```ts
 * // huge=always: pwrite 0 4k, truncate 2m, seek -h 0 → 2m; the last 2m - 4k bytes are holes-as-data
 * unwrittenData(model, { cmd: 'seek', whence: 'hole', offset: 0n }, ok(2097152n)) // 2093056n
 * ```
 */
export function unwrittenData(model: Shmem, command: Command, result: OpResult): bigint | undefined {
  if (command.cmd !== 'seek') return undefined;
  const inode = model.currentFile;
  if (!result.ok || inode === undefined) return 0n;
  if (command.whence === 'hole') return inode.content.unwrittenBytes(command.offset, result.ret);
  const data = result.ret;
  const hole = model.lseek('hole', data);
  // A data offset lies below i_size, so SEEK_HOLE from it succeeds; i_size bounds it otherwise.
  const end = hole.ok ? hole.ret : inode.iSize;
  return inode.content.firstWritten(data, end) - data;
}
