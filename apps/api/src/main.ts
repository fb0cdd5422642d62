import { Redis } from 'ioredis';
import { SecretBox, createLogger } from '@slipway/core';
import { createDb, migrateDeploy } from '@slipway/db';
import { loadApiConfig } from './config.ts';
import { createServer } from './server.ts';
import { bootstrapAdmin } from './services/users.ts';
import type { Deps } from './deps.ts';

const config = loadApiConfig();
const log = createLogger('api', config.LOG_LEVEL);
await migrateDeploy(config.DATABASE_URL);
const deps: Deps = {
  config,
  log,
  db: createDb(config.DATABASE_URL),
  redis: new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 }),
  box: SecretBox.fromEnv(config.SLIPWAY_SECRET_KEYS),
};

const admin = await bootstrapAdmin(deps);
if (admin) {
  // Printed once, on the first start only: the password is stored hashed.
  process.stdout.write(`\nSlipway administrator created\n  email:    ${admin.email}\n  password: ${admin.password}\n\n`);
}

const server = createServer(deps).listen(config.PORT, config.HOST, () => {
  log.info({ port: config.PORT, host: config.HOST }, 'api listening');
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  await new Promise((resolve) => server.once('close', resolve));
  await deps.db.$disconnect();
  deps.redis.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
