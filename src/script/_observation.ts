import type { BlindRun, DataRun, FolioTriple, Observation, StatsDelta } from './observation.js';
import type { JsonValue } from './_json.js';

function bad(what: string): never {
  throw new SyntaxError(`bad observation: ${what}`);
}

function isObject(v: JsonValue): v is ReadonlyMap<string, JsonValue> {
  return v instanceof Map;
}

function big(v: JsonValue | undefined, what: string): bigint {
  return typeof v === 'bigint' ? v : bad(`${what} is not an integer`);
}

function int(v: JsonValue | undefined, what: string): number {
  const b = big(v, what);
  const x = Number(b);
  return Number.isSafeInteger(x) ? x : bad(`${what} is past 2^53`);
}

function tuple(v: JsonValue, n: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n) return bad(`${what} is not an array of ${n} integers`);
  return v.map((x: JsonValue) => int(x, what));
}

function list<T>(v: JsonValue | undefined, what: string, item: (x: JsonValue) => T): T[] {
  if (!Array.isArray(v)) return bad(`${what} is not an array`);
  return v.map((x: JsonValue) => item(x));
}

function folio(v: JsonValue): FolioTriple {
  const [pgoff = 0, order = 0, uptodate] = tuple(v, 3, 'a folio');
  if (uptodate !== 0 && uptodate !== 1) return bad('folio uptodate is not 0 or 1');
  return [pgoff, order, uptodate];
}

function stats(v: JsonValue | undefined): StatsDelta {
  if (v === undefined || !isObject(v)) return bad('stats is not an object');
  const out: Record<string, Record<string, number>> = {};
  for (const [size, counters] of v) {
    if (!isObject(counters)) return bad(`stats.${size} is not an object`);
    const inner: Record<string, number> = {};
    for (const [name, x] of counters) inner[name] = int(x, `stats.${size}.${name}`);
    Object.defineProperty(out, size, { value: inner, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const KEYS: ReadonlySet<string> = new Set(['i', 'line', 'task', 'op', 'ret', 'folios', 'stats', 'size', 'blocks', 'data', 'blind']);

/**
 * Turn a JSON document (as `readJson` reads it) into an `Observation` (product.md §2).
 *
 * @throws SyntaxError on a missing or unknown key or a value of the wrong type
 */
export function decodeObservation(v: JsonValue): Observation {
  if (!isObject(v)) return bad('not an object');
  for (const k of v.keys()) if (!KEYS.has(k)) bad(`unknown key ${JSON.stringify(k)}`);
  const op = v.get('op');
  const ret = v.get('ret');
  if (typeof op !== 'string') return bad('op is not a string');
  const obs: Observation = {
    i: int(v.get('i'), 'i'),
    line: int(v.get('line'), 'line'),
    op,
    ret: typeof ret === 'string' ? ret : big(ret, 'ret'),
    folios: list(v.get('folios'), 'folios', folio),
    stats: stats(v.get('stats')),
    size: big(v.get('size'), 'size'),
    blocks: big(v.get('blocks'), 'blocks'),
  };
  const data = v.get('data');
  const blind = v.get('blind');
  const task = v.get('task');
  if (task !== undefined && typeof task !== 'string') return bad('task is not a string');
  return {
    ...obs,
    ...(task === undefined ? {} : { task }),
    ...(data === undefined ? {} : { data: list(data, 'data', (x): DataRun => tuple(x, 3, 'a data run') as [number, number, number]) }),
    ...(blind === undefined ? {} : { blind: list(blind, 'blind', (x): BlindRun => tuple(x, 2, 'a blind run') as [number, number]) }),
  };
}
