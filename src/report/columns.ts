/**
 * Borderless columns, each as wide as its widest cell plus two blanks, the last one unpadded:
 * the layout of `ps` or `git log --format` tables. Linear in the cells (the `at` and `history`
 * answers run to thousands of rows; a table library that lays out the whole table first grew
 * quadratically with them). Pure.
 *
 * ### Example
 * ```ts
 * columns([['pgoff', 'order'], ['0', '9']]) // 'pgoff  order\n0      9'
 * ```
 */
export function columns(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, k) => { widths[k] = Math.max(widths[k] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, k) => (k === row.length - 1 ? cell : cell.padEnd(widths[k]! + 2))).join('').trimEnd()).join('\n');
}
