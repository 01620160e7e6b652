import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Migration, MigrationProvider } from 'kysely';

/** The one fs call the provider needs (injected, as Kysely's FileMigrationProvider does). */
export interface ReaddirFs {
  readdir(path: string): Promise<string[]>;
}

/**
 * Kysely's `FileMigrationProvider`, with one difference: the dynamic `import()` runs in this
 * module instead of inside kysely. Under vitest kysely is an external dependency that Node
 * loads natively, and Node 20 cannot import the `.ts` migrations; from our module the import
 * goes through vitest's transform, and at run time it loads the compiled `.js` the same way.
 * File selection and naming follow FileMigrationProvider exactly.
 */
export class MigrationFolderProvider implements MigrationProvider {
  readonly #folder: string;
  readonly #fs: ReaddirFs;

  constructor(folder: string, readdirFs: ReaddirFs = fs) {
    this.#folder = folder;
    this.#fs = readdirFs;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const name of (await this.#fs.readdir(this.#folder)).sort()) {
      if (!isMigrationFile(name)) continue;
      const mod: unknown = await import(pathToFileURL(join(this.#folder, name)).href);
      const migration = asMigration(mod) ?? asMigration((mod as { default?: unknown }).default);
      if (migration) migrations[name.substring(0, name.lastIndexOf('.'))] = migration;
    }
    return migrations;
  }
}

function isMigrationFile(name: string): boolean {
  return name.endsWith('.js') || name.endsWith('.mjs')
    || (name.endsWith('.ts') && !name.endsWith('.d.ts'))
    || (name.endsWith('.mts') && !name.endsWith('.d.mts'));
}

function asMigration(mod: unknown): Migration | undefined {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const { up, down } = mod as { up?: unknown; down?: unknown };
  if (typeof up !== 'function') return undefined;
  return { up: up as Migration['up'], ...(typeof down === 'function' ? { down: down as NonNullable<Migration['down']> } : {}) };
}
