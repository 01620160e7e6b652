/**
 * One JSON document on one line, with `bigint`s as exact bare integers (JSON.stringify throws
 * on them, and a `number` would round past 2^53). Object keys keep their insertion order;
 * `undefined` members are left out, as JSON.stringify does. Pure.
 *
 * ### Example
 * ```ts
 * jsonText({ size: 2n ** 60n, ret: 'ENXIO' }); // '{"size":1152921504606846976,"ret":"ENXIO"}'
 * ```
 */
export function jsonText(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x: unknown) => (x === undefined ? 'null' : jsonText(x))).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${jsonText(x)}`);
  return `{${parts.join(',')}}`;
}
