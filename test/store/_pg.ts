import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { PG_BIN } from './_pg-bin.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/*
 * A throwaway PostgreSQL cluster for the tests that need a real server: initdb into a fresh
 * temporary folder, pg_ctl start listening on a Unix socket in that folder only (no TCP port),
 * one fresh database per `database()` call, and pg_ctl stop plus the folder removed after the
 * file's tests — whether they passed or not, and on SIGINT/SIGTERM or exit too. As root, initdb
 * refuses to run: the cluster then belongs to the `postgres` user (or `nobody`).
 * CI installs Debian's PostgreSQL (.ci/run); elsewhere, without binaries, the tests skip and say why.
 */

export { PG_BIN } from './_pg-bin.js';

/** Why the PostgreSQL tests skip, or undefined when they run. */
export const PG_SKIP = PG_BIN === undefined
  ? 'no PostgreSQL binaries (initdb, pg_ctl) in PATH, /usr/local/bin or /usr/lib/postgresql/*/bin: PostgreSQL tests skipped (.ci/run installs them)'
  : undefined;

/** The user the cluster runs as: ourselves, or under root `postgres` (else `nobody`). */
function clusterUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      execFileSync('id', ['-u', user], { stdio: 'ignore' });
      return user;
    } catch {
      // no such user: try the next
    }
  }
  throw new Error('running as root, and neither user postgres nor nobody exists to own a PostgreSQL cluster');
}

/** A running throwaway cluster. */
export interface PgCluster {
  /** The role tests connect as. */
  readonly user: string;
  /** The folder holding the Unix socket. */
  readonly socketDir: string;
  /** A URL for database `name` of the cluster (a Unix socket URL, as node-postgres takes it). */
  url(name: string): string;
  /** Create a fresh, empty database and return its URL. */
  database(): Promise<string>;
}

/**
 * Start a cluster before the calling file's tests and stop it after them. Call at the top of a
 * `describe.skipIf(PG_SKIP)` block; the cluster is ready inside tests.
 */
export function usePostgres(): PgCluster {
  let dir: string | undefined;
  let stop: (() => void) | undefined;
  let n = 0;
  const user = clusterUser();
  const role = user ?? (process.env.USER || execFileSync('id', ['-un']).toString().trim());
  const cluster: PgCluster = {
    user: role,
    get socketDir() {
      return dir!;
    },
    url: (name) => `postgres://${role}@/${name}?host=${dir}`,
    database: async () => {
      const name = `t${process.pid}_${++n}`;
      const admin = new pg.Client({ connectionString: cluster.url('postgres') });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return cluster.url(name);
    },
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'foliolog-pg-'));
    const as = (cmd: string, args: string[]): void => {
      const [file, argv] = user === undefined ? [cmd, args] : ['runuser', ['-u', user, '--', cmd, ...args]];
      execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    };
    if (user !== undefined) {
      const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, user]).toString().trim()));
      chownSync(dir, uid!, gid!);
    }
    const data = join(dir, 'data');
    stop = () => {
      stop = undefined;
      try {
        as(join(PG_BIN!, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running (any more): nothing to stop
      }
      rmSync(dir!, { recursive: true, force: true });
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      stop?.();
      process.kill(process.pid, signal);
    };
    process.once('exit', () => stop?.());
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    as(join(PG_BIN!, 'initdb'), ['-D', data, '-A', 'trust', '-U', role, '-E', 'UTF8', '--no-sync', '--no-instructions']);
    as(join(PG_BIN!, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-k ${dir} -c listen_addresses='' -c fsync=off`, 'start']);
  }, 120_000);
  afterAll(() => stop?.(), 60_000);
  return cluster;
}
