import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openSchemaEngine } from './schema-engine.ts';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const schemaPath = join(root, 'prisma/schema.prisma');
export const migrationsDir = join(root, 'prisma/migrations');
const noFilters = { externalTables: [], externalEnums: [] };

async function migrationsList(dir: string): Promise<unknown> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: await readFile(join(dir, name, 'migration.sql'), 'utf8') } },
    })),
  );
  const lock = await readFile(join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return { baseDir: dir, lockfile: { path: 'migration_lock.toml', content: lock }, shadowDbInitScript: '', migrationDirectories };
}

/** Creates the database when missing (the platform may own its own database on a shared server). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((e: { code?: string }) => {
      if (e.code !== '42P04') throw e; // created concurrently
    });
  } finally {
    await client.end();
  }
}

/** Applies pending migrations the way `prisma migrate deploy` does, recorded in `_prisma_migrations`. */
export async function migrateDeploy(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const { engine, close } = await openSchemaEngine(databaseUrl, await readFile(schemaPath, 'utf8'));
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: await migrationsList(migrationsDir), filters: noFilters });
    return appliedMigrationNames;
  } finally {
    await close();
  }
}

/**
 * Writes a new migration: the SQL from the schema snapshot kept beside the last
 * migration (`schema.prisma` in its folder) to prisma/schema.prisma. Pure
 * datamodel-to-datamodel diff, so no shadow database is needed.
 */
export async function migrateNew(databaseUrl: string, name: string): Promise<string | null> {
  const schema = await readFile(schemaPath, 'utf8');
  const dirs = (await readdir(migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const last = dirs.at(-1);
  const previous = last ? await readFile(join(migrationsDir, last, 'schema.prisma'), 'utf8') : null;
  const { engine, close } = await openSchemaEngine(databaseUrl, schema);
  try {
    const { stdout } = await engine.diff({
      from: previous === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: previous }] },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    if (!stdout || /^-- This is an empty migration/.test(stdout.trim())) return null;
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = join(migrationsDir, `${stamp}_${name.replace(/[^a-z0-9_]/gi, '_')}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'migration.sql'), stdout);
    await writeFile(join(dir, 'schema.prisma'), schema);
    return dir;
  } finally {
    await close();
  }
}
