/**
 * kernel.md's layout notation to §2 folios: `0:8 272-273:0 274:1` (PGOFF:ORDER, or a range of
 * order-0 pages A-B:0), all with the same uptodate flag.
 */
export function layout(text: string, uptodate: 0 | 1 = 1): [number, number, 0 | 1][] {
  const out: [number, number, 0 | 1][] = [];
  for (const item of text.split(/\s+/).filter((t) => t !== '')) {
    const m = /^(\d+)(?:-(\d+))?:(\d+)$/.exec(item);
    if (m === null) throw new Error(`bad layout item ${item}`);
    const [a, b, order] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3])];
    for (let p = a; p <= b; p += 1 << order) out.push([p, order, uptodate]);
  }
  return out;
}
