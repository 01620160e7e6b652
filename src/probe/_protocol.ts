/**
 * The line protocol between the driver and `probe.c`.
 *
 * Requests (one line per command; numbers are decimal `loff_t`; `-` marks an absent value,
 * `=WORD` a huge= word as written, possibly empty; a file name travels as UTF-8 hex, and only
 * a name `isFileName` accepts is ever sent; BSIZE `-` is one call of LEN bytes):
 * ```
 * mount tmpfs =HUGE|- SIZE|-     mount anon SIZE      mount sysv SIZE      mount memfd
 * remount =HUGE                  thp KEY=VALUE ...    open HEXNAME         unlink
 * pwrite BYTE OFF LEN BSIZE|-    pread OFF LEN BSIZE|-  falloc 0|1 OFF LEN   fpunch OFF LEN
 * fzero OFF LEN                  truncate SIZE        seek d|h OFF
 * mmap MISALIGN OFF|- LEN|-      munmap               mread OFF|- LEN|-    mwrite BYTE OFF|- LEN|-
 * madvise h|n|c|R|d|r|s|w OFF|- LEN|-   pin OFF|- LEN|-   unpin OFF|- LEN|-   reclaim   khugepaged   quit
 * ```
 * Responses (one line each): `ready RELEASE` once at start, then per request
 * `ok ret=N|ERRNO|SIGBUS stats=SIZE.COUNTER:DELTA,... size=N blocks=N folios=PGOFF:ORDER:UPTODATE,...
 * [blind=PGOFF:NPAGES,...] [data=OFF:LEN:BYTE,...]`, or `unsupported CMD`; `warn MSG` lines may
 * come before any response; `fatal MSG` ends the helper; `bye` answers `quit`.
 */
import type { ByteRange, Command } from '../script/index.js';
import { ADVICE_FLAG, fileNameProblem } from '../script/index.js';

/** A decoded `ok` response: the §2 fields the kernel produced. */
export interface RawObservation {
  readonly ret: bigint | string;
  readonly stats: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly size: bigint;
  readonly blocks: bigint;
  readonly folios: readonly (readonly [number, number, 0 | 1])[];
  readonly blind: readonly (readonly [number, number])[];
  readonly data: readonly (readonly [number, number, number])[] | undefined;
}

function range(r: ByteRange | undefined): string {
  return r === undefined ? '- -' : `${r.pos} ${r.len}`;
}

function hex(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}


/** The request line for one command. Pure. */
export function encodeCommand(c: Command): string {
  switch (c.cmd) {
    case 'mount':
      switch (c.kind) {
        case 'tmpfs':
          return `mount tmpfs ${c.huge === undefined ? '-' : `=${c.huge}`} ${c.size ?? '-'}`;
        case 'anon':
        case 'sysv':
          return `mount ${c.kind} ${c.size}`;
        case 'memfd':
          return 'mount memfd';
      }
      break;
    case 'remount':
      return `remount =${c.huge}`;
    case 'thp':
      return `thp ${c.writes.map((w) => `${w.key}=${w.value}`).join(' ')}`;
    case 'open': {
      // Defence in depth: the parser already refused it; the helper would refuse it too.
      const problem = fileNameProblem(c.name);
      if (problem !== undefined) throw new Error(`refusing to open ${JSON.stringify(c.name)}: ${problem}`);
      return `open ${hex(c.name)}`;
    }
    case 'unlink':
    case 'munmap':
    case 'reclaim':
    case 'khugepaged':
      return c.cmd;
    case 'scan':
    case 'memory':
      // `foliolog kernel` refuses model-only lines before anything runs.
      throw new Error(`${c.cmd} is model-only: the kernel cannot run it`);
    case 'pwrite':
      return `pwrite ${c.byte} ${c.pos} ${c.len} ${c.bsize ?? '-'}`;
    case 'pread':
      return `pread ${c.pos} ${c.len} ${c.bsize ?? '-'}`;
    case 'fpunch':
    case 'fzero':
      return `${c.cmd} ${c.pos} ${c.len}`;
    case 'falloc':
      return `falloc ${c.keepSize ? 1 : 0} ${c.pos} ${c.len}`;
    case 'truncate':
      return `truncate ${c.size}`;
    case 'seek':
      return `seek ${c.whence === 'data' ? 'd' : 'h'} ${c.offset}`;
    case 'mmap':
      return `mmap ${c.misalign} ${range(c.range)}`;
    case 'mread':
    case 'pin':
    case 'unpin':
      return `${c.cmd} ${range(c.range)}`;
    case 'mwrite':
      return `mwrite ${c.byte} ${range(c.range)}`;
    case 'madvise':
      // The helper's letter is the script's flag without its dash.
      return `madvise ${ADVICE_FLAG[c.advice].slice(1)} ${range(c.range)}`;
  }
  throw new Error(`unknown command ${JSON.stringify(c)}`);
}

/**
 * `ints` for the common line: decimal digits only. A folio list holds thousands of items and
 * is read once per command, so it is scanned by character rather than split. Undefined for
 * anything else, which `ints` then reads (and refuses) item by item. Pure.
 */
function digitItems(field: string, arity: number): number[][] | undefined {
  const out: number[][] = [];
  let item: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= field.length; i++) {
    const c = i < field.length ? field.charCodeAt(i) : 44; // the end closes the last item like a ','
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      if (++digits > 15) return undefined; // past what a double holds exactly: let `ints` decide
    } else if ((c === 58 || c === 44) && digits > 0) {
      item.push(n);
      n = 0;
      digits = 0;
      if (c === 44) {
        if (item.length !== arity) return undefined;
        out.push(item);
        item = [];
      }
    } else {
      return undefined;
    }
  }
  return out;
}

function ints(field: string, arity: number): number[][] {
  if (field === '') return [];
  const fast = digitItems(field, arity);
  if (fast !== undefined) return fast;
  return field.split(',').map((t) => {
    const parts = t.split(':').map(Number);
    if (parts.length !== arity || parts.some((n) => !Number.isSafeInteger(n))) {
      throw new Error(`malformed item '${t}'`);
    }
    return parts;
  });
}

function parseStats(field: string): RawObservation['stats'] {
  const out: Record<string, Record<string, number>> = {};
  if (field === '') return out;
  for (const item of field.split(',')) {
    const m = /^(\d+kB)\.(\w+):(\d+)$/.exec(item);
    if (m === null) throw new Error(`malformed stats item '${item}'`);
    const [, size = '', counter = '', delta = ''] = m;
    (out[size] ??= {})[counter] = Number(delta);
  }
  // product.md §2's example lists "2048kB" before "64kB": keys in string order.
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k] ?? {}]));
}

/** Decodes the fields of an `ok` line (without the leading `ok `). Throws on a malformed line. Pure. */
export function parseOk(rest: string): RawObservation {
  const fields = new Map<string, string>();
  for (const tok of rest.split(' ')) {
    const eq = tok.indexOf('=');
    if (eq < 0) throw new Error(`malformed field '${tok}'`);
    fields.set(tok.slice(0, eq), tok.slice(eq + 1));
  }
  const get = (k: string): string => {
    const v = fields.get(k);
    if (v === undefined) throw new Error(`missing field '${k}'`);
    return v;
  };
  const ret = get('ret');
  const data = fields.get('data');
  return {
    ret: /^-?\d+$/.test(ret) ? BigInt(ret) : ret,
    stats: parseStats(get('stats')),
    size: BigInt(get('size')),
    blocks: BigInt(get('blocks')),
    folios: ints(get('folios'), 3).map(([p = 0, o = 0, u = 0]) => [p, o, u === 1 ? 1 : 0] as const),
    blind: ints(fields.get('blind') ?? '', 2).map(([p = 0, n = 0]) => [p, n] as const),
    data: data === undefined ? undefined : ints(data, 3).map(([o = 0, l = 0, b = 0]) => [o, l, b] as const),
  };
}
