import { Redis } from 'ioredis';
import Docker from 'dockerode';
import { SecretBox, createLogger } from '@slipway/core';
import { createDb } from '@slipway/db';
import { createBroker, loadAddonsConfig } from '@slipway/addons';
import { createBuildQueue } from '@slipway/builder';
import type { ApiConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { releaseForAddonChange } from './services/addon-releases.ts';
import { ChannelHub } from './services/channel-hub.ts';

/**
 * Builds the API's dependencies from its configuration. `queuePrefix` isolates
 * BullMQ queues (tests run several platforms on one Redis).
 */
export function createDeps(config: ApiConfig, env: NodeJS.ProcessEnv = process.env, queuePrefix = config.BUILD_QUEUE_PREFIX): Deps {
  const log = createLogger('api', config.LOG_LEVEL);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  // BullMQ workers block on Redis and require unlimited retries on their own connection.
  const queueRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const db = createDb(config.DATABASE_URL);
  const box = SecretBox.fromEnv(config.SLIPWAY_SECRET_KEYS);
  // The broker's change hook needs the finished deps (it creates releases), hence the forward reference.
  let deps: Deps | undefined;
  const broker = createBroker({
    db,
    box,
    logger: log.child({ component: 'addons' }),
    config: loadAddonsConfig(env),
    queue: { connection: queueRedis, ...(queuePrefix ? { prefix: queuePrefix } : {}) },
    onChange: (change) => releaseForAddonChange(deps!, change),
  });
  deps = { config, log, redis, hub: new ChannelHub(redis, log), queueRedis, db, box, buildQueue: createBuildQueue(queueRedis, queuePrefix), broker, docker: new Docker() };
  return deps;
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.broker.close();
  await deps.buildQueue.close();
  await deps.db.$disconnect();
  deps.hub.close();
  deps.redis.disconnect();
  deps.queueRedis.disconnect();
}
