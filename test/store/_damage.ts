import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

/*
 * Ways to damage a closed store file, each deterministic (the same bytes on every run), so
 * that tests can ask how each command reports them.
 */

/** `n` bytes of deterministic garbage (an LCG's high bytes). */
export function garbage(n: number, seed = 0x9e3779b9): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let k = 0; k < n; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[k] = x >>> 24;
  }
  return b;
}

/** Overwrite `len` bytes at byte `pos` of `path` with garbage, keeping its length. */
export function overwrite(path: string, pos: number, len: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, garbage(len), 0, len, pos);
  } finally {
    closeSync(fd);
  }
}

/** Overwrite SQLite page `page` (1-based) of `path` with garbage. */
export function overwritePage(path: string, page: number, pageSize = 4096): void {
  overwrite(path, (page - 1) * pageSize, pageSize);
}

/** Cut `path` to `bytes` (a number, or 'half' of its size). */
export function truncateTo(path: string, bytes: number | 'half'): void {
  truncateSync(path, bytes === 'half' ? Math.floor(statSync(path).size / 2) : bytes);
}

/**
 * Root page numbers of the named tables and indexes. Opens the store writable and closes it,
 * which leaves the file byte-identical and no WAL behind.
 */
export function rootPages(path: string): Record<string, number> {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  try {
    const rows = db.prepare('select name, rootpage from sqlite_master where rootpage > 0').all() as Array<{ name: string; rootpage: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.rootpage]));
  } finally {
    db.close();
  }
}

/**
 * Give `kysely_migration` a row with a null name, as a damaged page can hold: the column is
 * NOT NULL, so the schema text is edited around the insert (writable_schema).
 */
function insertNullMigration(path: string): void {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  const setSchema = (from: string, to: string): void => {
    db.pragma('writable_schema = ON');
    db.prepare("update sqlite_master set sql = replace(sql, ?, ?) where name = 'kysely_migration'").run(from, to);
    db.pragma('writable_schema = RESET');
  };
  try {
    db.unsafeMode(true);
    setSchema('"name" varchar(255) not null', '"name" varchar(255)');
    db.prepare("insert into kysely_migration (name, timestamp) values (null, '2030-01-01')").run();
    setSchema('"name" varchar(255) primary key', '"name" varchar(255) not null primary key');
  } finally {
    db.close();
  }
}

/** Leaf pages of table `name` in key order (SQLite's dbstat), for damage off or on the append path. */
export function leafPages(path: string, name: string): number[] {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  try {
    return db.prepare("select pageno from dbstat where name = ? and pagetype = 'leaf' order by path").pluck().all(name) as number[];
  } finally {
    db.close();
  }
}

/** One way to damage a store, by name, for `it.each`. */
export interface Damage {
  readonly name: string;
  /** SQLite's own words expected in the message, or ours when SQLite never sees the file. */
  readonly words: RegExp;
  readonly apply: (path: string) => void;
}

const MALFORMED = /database disk image is malformed \(SQLITE_CORRUPT\)/;

/** Every kind of damage the store must report as `E_DAMAGED`, whatever the command. */
export const DAMAGES: readonly Damage[] = [
  { name: 'garbage over page 1 after its 100-byte header', words: MALFORMED, apply: (p) => overwrite(p, 100, 4096 - 100) },
  { name: 'garbage over the kysely_migration table', words: MALFORMED, apply: (p) => overwritePage(p, rootPages(p)['kysely_migration']!) },
  { name: "garbage over kysely_migration's index", words: MALFORMED, apply: (p) => overwritePage(p, rootPages(p)['sqlite_autoindex_kysely_migration_1']!) },
  { name: 'garbage over the runs table', words: MALFORMED, apply: (p) => overwritePage(p, rootPages(p)['runs']!) },
  { name: 'an impossible page size in the header', words: /impossible SQLite header \(page size 4097\)/, apply: (p) => {
    const fd = openSync(p, 'r+');
    try { writeSync(fd, Buffer.from([0x10, 0x01]), 0, 2, 16); } finally { closeSync(fd); }
  } },
  { name: 'a kysely_migration row with a null name', words: /impossible kysely_migration row \(name null, timestamp "2030-01-01"\)/, apply: insertNullMigration },
  { name: 'the file cut to half its size', words: MALFORMED, apply: (p) => truncateTo(p, 'half') },
  { name: 'the file cut to its first page', words: MALFORMED, apply: (p) => truncateTo(p, 4096) },
  { name: 'the file cut to 50 bytes', words: /cut short to 50 bytes, inside SQLite's 100-byte header/, apply: (p) => truncateTo(p, 50) },
];
