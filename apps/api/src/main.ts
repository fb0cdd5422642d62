import { watchRedisLoss } from '@slipway/core';
import { migrateDeploy } from '@slipway/db';
import { loadApiConfig } from './config.ts';
import { closeDeps, createDeps } from './create-deps.ts';
import { createServer } from './server.ts';
import { bootstrapAdmin } from './services/users.ts';

const config = loadApiConfig();
await migrateDeploy(config.DATABASE_URL);
const deps = createDeps(config);
const { log } = deps;

// Add-on provisioning runs here. The database is the record of unfinished operations: their jobs are queued
// again at the first start and whenever Redis comes back without them (restarted empty, flushed).
const addonWorker = deps.broker.startWorker();
const addonQueue = watchRedisLoss(deps.queueRedis, `${config.BUILD_QUEUE_PREFIX ?? 'bull'}:addons:restored`, async () => {
  const count = await deps.broker.service.resumePending();
  if (count) log.info({ count }, 'unfinished add-on operations queued again');
}, { everyMs: 2_000, log, what: 'add-on queue' });
await addonQueue.check();
deps.queueRedis.on('ready', () => void addonQueue.check());
// Quotas and password repair for add-ons on the shared servers; its first pass updates existing add-ons' rules.
deps.broker.startWatch();

// After the parts that can fail at start, so a failed start does not create an administrator nobody saw.
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
  addonQueue.stop();
  await addonWorker.close();
  await closeDeps(deps);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
