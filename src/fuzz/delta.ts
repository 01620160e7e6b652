/**
 * Shrink a list of lines while `fails` still holds (simple delta debugging): drop the trailing
 * lines one at a time, then each line one by one from the end, then chunks of half, a quarter,
 * … of what is left; a step is kept only when `fails` still answers true for the smaller list.
 * `fails` is asked at most `budget` times. Deterministic in `fails`.
 * @param lines - a failing list (`fails(lines)` is true)
 * @returns the shortest failing list found
 *
 * ### Example
 * ```ts
 * const short = await shrinkLines(commands, async (ls) => (await compare(ls)).disagrees)
 * ```
 */
export async function shrinkLines<T>(lines: readonly T[], fails: (ls: readonly T[]) => Promise<boolean>, budget = 200): Promise<T[]> {
  let cur = [...lines];
  let asked = 0;
  const tryList = async (next: T[]): Promise<boolean> => {
    if (asked >= budget || next.length === 0) return false;
    asked++;
    if (!(await fails(next))) return false;
    cur = next;
    return true;
  };
  while (cur.length > 1 && await tryList(cur.slice(0, -1)));
  for (let at = cur.length - 1; at >= 0; at--) await tryList([...cur.slice(0, at), ...cur.slice(at + 1)]);
  for (let size = Math.floor(cur.length / 2); size >= 2; size = Math.floor(size / 2)) {
    for (let at = 0; at + size <= cur.length;) {
      if (!(await tryList([...cur.slice(0, at), ...cur.slice(at + size)]))) at += size;
    }
  }
  return cur;
}
