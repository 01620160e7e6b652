import type BetterSqlite3 from 'better-sqlite3';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Read the pages a new run's rows go to: the rightmost path of every table and index B-tree of
 * the store (its ids are the largest), and the whole `runs` table. A command that records
 * commits in many transactions (the run row first, then batches of events), so damage there
 * must show before the first commit, or half a run would be written into a damaged file. It
 * costs O(depth) pages per B-tree plus a page or so per run, however many events the store
 * holds: pages elsewhere are left to the reads that need them, since an integrity scan of tens
 * of millions of events is no price for an open. Sync.
 * @throws the driver's SQLITE_CORRUPT (or SQLITE_NOTADB) error; the caller classifies it.
 */
export function probeAppendPaths(sqlite: BetterSqlite3.Database): void {
  const tables = sqlite.prepare(`select name, wr from pragma_table_list
    where schema = 'main' and type = 'table' and name <> 'sqlite_schema'`).all() as Array<{ name: string; wr: number }>;
  const indexes = sqlite.prepare('select name, origin from pragma_index_list(?)');
  const firstColumn = sqlite.prepare('select name from pragma_index_info(?) order by seqno limit 1').pluck();
  for (const { name, wr } of tables) {
    const table = quote(name);
    // All of `runs`, which is small beside the event log: a store whose run list is damaged
    // gets no new run that `foliolog runs` could not show.
    if (name === 'runs') sqlite.prepare('select count(*) from runs').get();
    if (wr === 0) sqlite.prepare(`select max(rowid) from ${table}`).get();
    for (const index of indexes.all(name) as Array<{ name: string; origin: string }>) {
      const column = firstColumn.get(index.name) as string | null | undefined;
      if (typeof column !== 'string') continue; // an index on an expression: none in our schema
      // max() of an index's first column seeks its last entry. A WITHOUT ROWID table's
      // primary key is the table's own B-tree, which INDEXED BY cannot name.
      const by = wr === 1 && index.origin === 'pk' ? '' : ` indexed by ${quote(index.name)}`;
      sqlite.prepare(`select max(${quote(column)}) from ${table}${by}`).get();
    }
  }
}
