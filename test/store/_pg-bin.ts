import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/* Where PostgreSQL's server binaries are: read by test/store/_pg.ts and by vitest.config.ts (which cannot import vitest). */

/** The folder holding initdb and pg_ctl: PATH, /usr/local/bin, else Debian's /usr/lib/postgresql/N/bin (newest). */
function findBinaries(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/local/bin'];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  return dirs.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')) && existsSync(join(d, 'postgres')));
}

/** Where the PostgreSQL binaries are, if anywhere. */
export const PG_BIN = findBinaries();

