import type { Shmem } from '../model/index.js';
import { ByteRuns, HPAGE_PMD_ORDER, MAX_LFS_FILESIZE } from '../model/index.js';
import type { Command, Observation } from '../script/index.js';
import type { EventLog } from './event-log.js';

/** Byte position of the first page at or after `page` that no folio covers. Pure. */
function firstAbsentPage(folios: Observation['folios'], page: number): bigint {
  let at = page;
  for (const [index, order] of folios) {
    if (index > at) break;
    if (index + 2 ** order > at) at = index + 2 ** order;
  }
  return BigInt(at) * 4096n;
}

/** A failed oracle check: the model disagrees with itself. */
export class OracleError extends Error {
  override readonly name = 'OracleError';
  readonly code = 'E_ORACLE';
}

/**
 * The oracle, independent of the model's page cache: the bytes every file should hold (fsx's
 * good_buf, kept from the commands alone), checked against every read; the model's structural
 * invariants; and the per-size allocation counters against the folios the event log saw born.
 */
export class Oracle {
  readonly #expected = new Map<number, ByteRuns>();
  /** The current mapping as the commands describe it: file and byte range. */
  #mapped: { readonly file: number; readonly pos: bigint; readonly end: bigint } | undefined;

  #bytes(file: number): ByteRuns {
    let b = this.#expected.get(file);
    if (!b) this.#expected.set(file, (b = new ByteRuns()));
    return b;
  }

  /** Check the state after `command` produced `obs` on the current file. Throws OracleError/InvariantError. */
  check(model: Shmem, log: EventLog, command: Command, obs: Observation): void {
    model.checkInvariants();
    const file = model.currentFile;
    if (file) {
      const replayed = JSON.stringify(log.foliosOf(file.id));
      if (replayed !== JSON.stringify(obs.folios)) {
        throw new OracleError(`the event log describes folios ${replayed}, the page cache holds ${JSON.stringify(obs.folios)}`);
      }
    }
    if (obs.blocks !== BigInt(obs.folios.reduce((n, f) => n + 2 ** f[1], 0)) * 8n) {
      throw new OracleError(`st_blocks ${obs.blocks} disagrees with the folios held`);
    }
    if (file && typeof obs.ret === 'bigint') this.#follow(this.#bytes(file.id), command, obs);
    this.#followMapping(file?.id, command, obs);
    for (let o = 1; o <= HPAGE_PMD_ORDER; o++) {
      const counted = model.stats.get(o, 'shmem_alloc');
      if (counted !== log.allocatedByOrder[o]) {
        throw new OracleError(`order ${o}: shmem_alloc is ${counted} but ${log.allocatedByOrder[o]} folios were allocated`);
      }
    }
  }

  #follow(bytes: ByteRuns, c: Command, obs: Observation): void {
    const ret = obs.ret as bigint;
    switch (c.cmd) {
      case 'pwrite':
        bytes.fill(c.pos, ret, c.byte);
        return;
      case 'truncate':
        bytes.clear(c.size, MAX_LFS_FILESIZE - c.size);
        return;
      case 'fpunch':
        // A punched range reads back as zeros (falloc changes no byte).
        bytes.clear(c.pos, c.len);
        return;
      case 'pread': {
        const want = JSON.stringify(bytes.read(c.pos, ret));
        const got = JSON.stringify(obs.data ?? []);
        if (want !== got) throw new OracleError(`read returned ${got}, the written bytes are ${want}`);
        return;
      }
      default:
        return;
    }
  }

  /** Track the mapping (mmap, mount anon/sysv, dropped by open and mount) and what mwrite stores. */
  #followMapping(file: number | undefined, c: Command, obs: Observation): void {
    const failed = typeof obs.ret === 'string';
    if (c.cmd === 'open' || c.cmd === 'mmap' || (c.cmd === 'mount' && (failed || c.kind === 'tmpfs' || c.kind === 'memfd'))) this.#mapped = undefined;
    if (file === undefined || (failed && obs.ret !== 'SIGBUS')) return;
    if (c.cmd === 'mount' && (c.kind === 'anon' || c.kind === 'sysv')) {
      this.#mapped = { file, pos: 0n, end: c.size };
    } else if (c.cmd === 'mmap') {
      this.#mapped = c.range ? { file, pos: c.range.pos, end: c.range.pos + c.range.len } : { file, pos: 0n, end: obs.size };
    } else if (c.cmd === 'munmap') {
      this.#mapped = undefined;
    } else if (c.cmd === 'mwrite' && this.#mapped) {
      const m = this.#mapped;
      const pos = c.range?.pos ?? m.pos;
      let end = c.range ? c.range.pos + c.range.len : ((m.end + 4095n) / 4096n) * 4096n;
      // A fault raised SIGBUS at EOF, or earlier at the size= limit (where the page cache holds
      // nothing): everything before that page was stored.
      if (obs.ret === 'SIGBUS') {
        const eofPage = ((obs.size + 4095n) / 4096n) * 4096n;
        const absent = firstAbsentPage(obs.folios, Number(pos / 4096n));
        const stop = absent < eofPage ? absent : eofPage;
        if (stop < end) end = stop;
      }
      if (end > pos) this.#bytes(m.file).fill(pos, end - pos, c.byte);
    } else if (c.cmd === 'madvise' && c.advice === 'remove' && obs.ret === 0n && this.#mapped) {
      // MADV_REMOVE punches whole pages: the length is rounded up.
      const m = this.#mapped;
      const pos = c.range?.pos ?? m.pos;
      const end = ((c.range ? c.range.pos + c.range.len : m.end) + 4095n) / 4096n * 4096n;
      if (end > pos) this.#bytes(m.file).clear(pos, end - pos);
    }
  }
}

