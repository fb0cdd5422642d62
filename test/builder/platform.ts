import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SecretBox } from '@slipway/core';
import { createDb, migrateDeploy, type Db } from '@slipway/db';
import { filesystemFor } from '../../apps/agent/src/docker/filesystem.ts';
import { BuildPidsCap, DEFAULT_BUILD_LIMITS, type BuildLimits } from '../../apps/builder/src/build/build-limits.ts';
import { RegistryCache } from '../../apps/builder/src/node/registry-cache.ts';
import { createBuildQueue, createPushHandler } from '../../apps/builder/src/queue/index.ts';
import { startBuildWorker } from '../../apps/builder/src/queue/worker.ts';
import { startGitServer } from './git-helpers.ts';

/** Node.js releases, npm and corepack downloaded once for every run on this machine (the builder's default folder). */
export const TEST_CACHE_DIR = process.env.SLIPWAY_CACHE_DIR ?? '/var/lib/slipway/cache';

/**
 * A real slice of the platform for builder tests: its own database, a BullMQ
 * prefix on the real Redis, the real Docker engine, the git router on 127.0.0.1.
 * Builds run under the builder's default limits unless `limits` says otherwise.
 */
export async function startPlatform(concurrency = 2, opts: { timeoutMs?: number; limits?: { memoryMb?: number; cpus?: number; pidsMax?: number } } = {}) {
  const id = randomBytes(4).toString('hex');
  const dbName = `slipway_t_${id}`;
  const dbUrl = `postgresql://postgres@127.0.0.1:5432/${dbName}`;
  await migrateDeploy(dbUrl);
  const db: Db = createDb(dbUrl, 4);
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const docker = new Docker();
  const reposDir = await mkdtemp(join(tmpdir(), 'slipway-repos-'));
  const prefix = `bull-t-${id}`;
  const queue = createBuildQueue(redis, prefix);
  const secretKey = randomBytes(32).toString('base64');
  const box = new SecretBox([secretKey]);
  const limits = { ...DEFAULT_BUILD_LIMITS, ...opts.limits };
  const buildLimits: BuildLimits = {
    memoryMb: limits.memoryMb,
    cpus: limits.cpus,
    pids: await BuildPidsCap.prepare(docker, limits.pidsMax, (message) => console.warn(message)),
  };
  const worker = startBuildWorker(
    { db, redis, docker, box, reposDir, timeoutMs: opts.timeoutMs ?? 120_000, maxRepoBytes: 50 * 1024 * 1024, npmRegistry: 'https://registry.npmjs.org/', registry: new RegistryCache(TEST_CACHE_DIR, 'https://registry.npmjs.org/'), buildLimits },
    queue,
    redis,
    concurrency,
    prefix,
  );
  const team = await db.team.create({ data: { name: `team-${id}` } });
  const onPush = createPushHandler({ db, queue, redis });
  const git = await startGitServer<string>({
    reposDir,
    authenticate: async (token) => (token === 'good-token' ? 'tester' : null),
    authorize: async () => undefined,
    onPush: (event) => onPush(event),
  });
  const containers: string[] = [];
  return {
    db, docker, queue, redis, reposDir, git, box, buildLimits,
    /** What a builder started as its own process needs to join this platform. */
    env: { DATABASE_URL: dbUrl, REDIS_URL: 'redis://127.0.0.1:6379', SLIPWAY_SECRET_KEYS: secretKey, SLIPWAY_REPOS_DIR: reposDir },
    /** App names are unique per run so images never collide with other runs. */
    createApp: async (base: string) => (await db.app.create({ data: { name: `${base}-${id}`, teamId: team.id } })).name,
    /** Runs an image on 127.0.0.1:<random port> → its $PORT, returns the URL; with the filesystem an agent gives it (read-only root). */
    async run(image: string, cmd?: string[]): Promise<{ url: string; id: string }> {
      const fs = filesystemFor((await docker.getImage(image).inspect()).Config);
      const c = await docker.createContainer({ Image: image, Cmd: cmd, HostConfig: { PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, ...fs }, ExposedPorts: { '5000/tcp': {} } });
      containers.push(c.id);
      await c.start();
      const info = await c.inspect();
      const port = info.NetworkSettings.Ports['5000/tcp']?.[0]?.HostPort;
      return { url: `http://127.0.0.1:${port}/`, id: c.id };
    },
    async close() {
      await Promise.all(containers.map((c) => docker.getContainer(c).remove({ force: true }).catch(() => undefined)));
      await git.close();
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const images = await docker.listImages({ filters: JSON.stringify({ label: [`slipway.build`] }) });
      const apps = new Set((await db.app.findMany({ select: { name: true } })).map((a) => a.name));
      for (const img of images) if (apps.has(img.Labels?.['slipway.app'] ?? '')) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
      await db.$disconnect();
      redis.disconnect();
      await rm(reposDir, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>;

/** GETs a URL until it answers (the app needs a moment to listen). */
export async function fetchText(url: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await (await fetch(url)).text();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
