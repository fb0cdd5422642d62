import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { createLogger, SecretBox, watchRedisLoss } from '@slipway/core';
import { createDb } from '@slipway/db';
import { BuildPidsCap } from './build/build-limits.ts';
import { loadBuilderEnv } from './config.ts';
import { createBuildQueue, queueRestoredKey, requeueUnfinishedBuilds } from './queue/build-queue.ts';
import { startBuildWorker } from './queue/worker.ts';
import { RegistryCache } from './node/registry-cache.ts';
import { ensureStackImage } from './stack/stack-image.ts';

const env = loadBuilderEnv();
const logger = createLogger('builder', env.LOG_LEVEL);
const docker = new Docker();
const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
const db = createDb(env.DATABASE_URL);
// Builds reach the same npm registry this host is configured for.
const npmRegistry = (await promisify(execFile)('npm', ['config', 'get', 'registry'])).stdout.trim();

await ensureStackImage(docker, (line) => logger.info(line));
const buildLimits = {
  memoryMb: env.BUILD_MEMORY_MB,
  cpus: env.BUILD_CPUS,
  pids: await BuildPidsCap.prepare(docker, env.BUILD_PIDS_LIMIT, (message) => logger.warn(message)),
};
const queue = createBuildQueue(connection, env.BUILD_QUEUE_PREFIX);
const worker = startBuildWorker(
  { db, redis: connection, docker, box: SecretBox.fromEnv(env.SLIPWAY_SECRET_KEYS), reposDir: env.SLIPWAY_REPOS_DIR, timeoutMs: env.BUILD_TIMEOUT_SECONDS * 1000, maxRepoBytes: env.MAX_REPO_MB * 1024 * 1024, npmRegistry, registry: new RegistryCache(env.SLIPWAY_CACHE_DIR, npmRegistry), buildLimits, internalSecret: env.SLIPWAY_INTERNAL_SECRET },
  queue,
  connection,
  env.BUILD_CONCURRENCY,
  env.BUILD_QUEUE_PREFIX,
);
worker.on('failed', (job, err) => logger.error({ err, buildId: job?.data.buildId }, 'build job failed'));
// Redis going away (a restart): one line each, not a stack on the console; the worker reconnects by itself.
worker.on('error', (err) => logger.warn({ err: err.message }, 'build queue error'));
// Builds queued or running when Redis restarted empty get their jobs back from the database.
const restore = watchRedisLoss(connection, queueRestoredKey(env.BUILD_QUEUE_PREFIX), async () => {
  const count = await requeueUnfinishedBuilds(db, queue);
  if (count) logger.info({ count }, 'unfinished builds queued again');
}, { everyMs: 2_000, log: logger, what: 'build queue' });
await restore.check();
connection.on('ready', () => void restore.check());
logger.info({ concurrency: env.BUILD_CONCURRENCY, reposDir: env.SLIPWAY_REPOS_DIR, memoryMb: buildLimits.memoryMb, cpus: buildLimits.cpus, pidsMax: buildLimits.pids?.max ?? null }, 'builder ready');

// A graceful stop lets running builds finish; queued ones stay in Redis for the next start.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'stopping after running builds finish');
    restore.stop();
    await worker.close();
    await queue.close();
    await db.$disconnect();
    connection.disconnect();
    process.exit(0);
  });
}
