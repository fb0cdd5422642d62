// Shared setup for the add-on suites: the real managed servers (started by
// scripts/addon-servers.sh), a throwaway control-plane database, a broker with
// its own BullMQ prefix, and a logger whose every line is kept for inspection.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { SecretBox } from '@slipway/core';
import { createDb, migrateDeploy, type Db } from '@slipway/db';
import { createBroker, loadAddonsConfig, PostgresProvider, RedisProvider, type AddonView, type Broker } from '@slipway/addons';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const controlPlane = 'postgresql://postgres@127.0.0.1:5432';

export interface AdminUrls {
  postgres: string;
  redis: string;
}

/** Runs the idempotent setup script and reads the admin URLs it prints. */
export function addonServers(): AdminUrls {
  const out = execFileSync('bash', [join(root, 'scripts/addon-servers.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  const value = (key: string): string => {
    const line = out.split('\n').find((l) => l.startsWith(`${key}=`));
    if (!line) throw new Error(`addon-servers.sh printed no ${key}`);
    return line.slice(key.length + 1);
  };
  return { postgres: value('ADDONS_POSTGRES_ADMIN_URL'), redis: value('ADDONS_REDIS_ADMIN_URL') };
}

export function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export interface Harness {
  db: Db;
  broker: Broker;
  logger: pino.Logger;
  logLines: string[];
  teamId: string;
  backupDir: string;
  newApp(name: string): Promise<string>;
  waitFor(addonId: string, states: AddonView['state'][]): Promise<AddonView>;
  close(): Promise<void>;
}

/** A broker on the real servers (or on `overrides`, e.g. an unreachable one) over a fresh control-plane database. */
export async function startHarness(admin: AdminUrls, overrides: Partial<Record<string, string>> = {}): Promise<Harness> {
  const dbName = `slipway_t_${randomBytes(6).toString('hex')}`;
  const dbUrl = `${controlPlane}/${dbName}`;
  await migrateDeploy(dbUrl);
  const db = createDb(dbUrl, 4);
  const { logger, lines } = captureLogger();
  const backupDir = mkdtempSync(join(tmpdir(), 'slipway-backups-'));
  const prefix = `slwt${randomBytes(4).toString('hex')}`;
  const config = loadAddonsConfig({
    ADDONS_POSTGRES_ADMIN_URL: admin.postgres,
    ADDONS_REDIS_ADMIN_URL: admin.redis,
    ADDONS_BACKUP_DIR: backupDir,
    ADDONS_JOB_ATTEMPTS: '2',
    ...overrides,
  });
  const box = new SecretBox([randomBytes(32).toString('base64')]);
  const connection = { host: '127.0.0.1', port: 6379 };
  const broker = createBroker({ db, box, logger, config, queue: { connection, prefix } });
  broker.startWorker();
  const team = await db.team.create({ data: { name: `team-${randomBytes(4).toString('hex')}` } });

  return {
    db,
    broker,
    logger,
    logLines: lines,
    teamId: team.id,
    backupDir,
    newApp: async (name) => (await db.app.create({ data: { name: `${name}-${randomBytes(3).toString('hex')}`, teamId: team.id } })).id,
    async waitFor(addonId, states) {
      for (let i = 0; i < 300; i++) {
        const addon = await broker.service.get(addonId);
        if (states.includes(addon.state)) return addon;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`add-on ${addonId} never reached ${states.join('/')}`);
    },
    async close() {
      await broker.close();
      await removeAddons(db, admin, logger);
      await deleteKeys(connection, prefix);
      await db.$disconnect();
      await dropDatabase(dbName);
      rmSync(backupDir, { recursive: true, force: true });
    },
  };
}

/** Whatever the tests left on the managed servers goes, through the providers themselves. */
async function removeAddons(db: Db, admin: AdminUrls, logger: pino.Logger): Promise<void> {
  const postgres = new PostgresProvider({ adminUrl: admin.postgres, logger });
  const redis = new RedisProvider({ adminUrl: admin.redis, logger });
  try {
    for (const { id, planId } of await db.addon.findMany({ select: { id: true, planId: true } })) {
      await (planId.startsWith('redis') ? redis : postgres).deprovision(id);
    }
  } finally {
    await redis.close();
  }
}

async function deleteKeys(connection: { host: string; port: number }, prefix: string): Promise<void> {
  const redis = new Redis(connection);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${controlPlane}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Connects with a URL and runs one query; resolves to the error's message when it fails. */
export async function tryQuery(url: string, sql: string): Promise<{ ok: true; rows: unknown[] } | { ok: false; error: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query(sql);
    return { ok: true, rows };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs SQL as the cluster's local superuser (peer auth over the socket), as an operator would. */
export function asClusterSuperuser(admin: AdminUrls, sql: string): string {
  return execFileSync('runuser', ['-u', 'postgres', '--', 'psql', '-X', '-At', '-p', new URL(admin.postgres).port, '-d', 'postgres', '-c', sql], { encoding: 'utf8' });
}
