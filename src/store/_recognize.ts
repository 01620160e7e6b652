import { closeSync, openSync, readSync } from 'node:fs';
import { StoreError } from './errors.js';

/** `PRAGMA application_id` of a foliolog store: 'Folg'. */
export const APPLICATION_ID = 0x466f6c67;

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;
const APPLICATION_ID_OFFSET = 68;

/** What `recognize` found: nothing yet (missing or 0 bytes), or a foliolog store. */
export type Recognized = 'new' | 'store';

/**
 * Recognise `path` from its first 100 bytes, read with plain fs so that SQLite never touches
 * (and never rewrites the header of) a file that is not ours.
 * @returns 'new' for `:memory:`, a missing or 0-byte file; 'store' for a foliolog store.
 * @throws StoreError `E_FOREIGN` for anything else; `E_UNREADABLE` when it cannot be read.
 */
export function recognize(path: string): Recognized {
  if (path === ':memory:') return 'new';
  const header = readHeader(path);
  if (header === undefined || header.length === 0) return 'new';
  if (header.length < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StoreError('E_FOREIGN', `${path} is not a foliolog store (not an SQLite database)`);
  }
  const id = header.readUInt32BE(APPLICATION_ID_OFFSET);
  if (id !== APPLICATION_ID) {
    const hex = id.toString(16).padStart(8, '0');
    throw new StoreError('E_FOREIGN', `${path} is not a foliolog store (SQLite application_id 0x${hex})`);
  }
  return 'store';
}

/** The first bytes of the file (fewer if it is shorter), or undefined when it does not exist. */
function readHeader(path: string): Buffer | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(HEADER_BYTES);
      const n = readSync(fd, buf, 0, HEADER_BYTES, 0);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StoreError('E_UNREADABLE', `${path} cannot be read (${code ?? (e as Error).message})`, { cause: e });
  }
}
