import { closeSync, openSync, readSync } from 'node:fs';
import { StoreError, damaged } from './errors.js';

/** `PRAGMA application_id` of a foliolog store: 'Folg'. */
export const APPLICATION_ID = 0x466f6c67;

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;
const APPLICATION_ID_OFFSET = 68;
const PAGE_SIZE_OFFSET = 16;
const VERSIONS_OFFSET = 18;
const PAYLOAD_FRACTIONS_OFFSET = 21;

/** What `recognize` found: nothing yet (missing or 0 bytes), or a foliolog store. */
export type Recognized = 'new' | 'store';

/**
 * Recognise `path` from its first 100 bytes, read with plain fs so that SQLite never touches
 * (and never rewrites the header of) a file that is not ours. Cheap by design: the pages past
 * the header are left to SQLite, which reports what it cannot parse when it reads it.
 * @returns 'new' for `:memory:`, a missing or 0-byte file; 'store' for a foliolog store.
 * @throws StoreError `E_FOREIGN` for a file that is not SQLite or another application's;
 *   `E_DAMAGED` for a header cut short or holding impossible values; `E_UNREADABLE`.
 */
export function recognize(path: string): Recognized {
  if (path === ':memory:') return 'new';
  const header = readHeader(path);
  if (header === undefined || header.length === 0) return 'new';
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StoreError('E_FOREIGN', `${path} is not a foliolog store (not an SQLite database)`);
  }
  if (header.length < HEADER_BYTES) {
    throw damaged(path, `cut short to ${header.length} bytes, inside SQLite's ${HEADER_BYTES}-byte header`);
  }
  const id = header.readUInt32BE(APPLICATION_ID_OFFSET);
  if (id !== APPLICATION_ID) {
    const hex = id.toString(16).padStart(8, '0');
    throw new StoreError('E_FOREIGN', `${path} is not a foliolog store (SQLite application_id 0x${hex})`);
  }
  const problem = headerProblem(header);
  if (problem !== undefined) throw damaged(path, `impossible SQLite header (${problem})`);
  return 'store';
}

/** What is impossible in a 100-byte SQLite header (sqlite.org/fileformat.html §1.3), if anything. Pure. */
function headerProblem(h: Buffer): string | undefined {
  const pageSize = h.readUInt16BE(PAGE_SIZE_OFFSET);
  if (pageSize !== 1 && (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)) return `page size ${pageSize}`;
  const [write, read] = [h[VERSIONS_OFFSET], h[VERSIONS_OFFSET + 1]];
  if ((write !== 1 && write !== 2) || (read !== 1 && read !== 2)) return `file format ${write}/${read}`;
  const fractions = [...h.subarray(PAYLOAD_FRACTIONS_OFFSET, PAYLOAD_FRACTIONS_OFFSET + 3)];
  if (fractions.join() !== '64,32,32') return `payload fractions ${fractions.join('/')}`;
  return undefined;
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
