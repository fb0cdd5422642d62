import { Redis } from 'ioredis';
import { createLogger, reservedHosts } from '@slipway/core';
import { routeKeys } from '@slipway/routing';
import { createDb } from '@slipway/db';
import { loadSchedulerConfig } from './config.ts';
import { Scheduler } from './scheduler.ts';

const cfg = loadSchedulerConfig();
const log = createLogger('scheduler', cfg.LOG_LEVEL);
const scheduler = new Scheduler({
  db: createDb(cfg.DATABASE_URL),
  redis: new Redis(cfg.REDIS_URL),
  subscriber: new Redis(cfg.REDIS_URL),
  log,
  policy: cfg.policy,
  appsDomain: cfg.SLIPWAY_DOMAIN,
  controlPlaneHosts: reservedHosts(cfg).controlPlane,
  routeKeys: routeKeys(cfg.ROUTES_KEY_PREFIX),
  tickMs: cfg.SCHEDULER_TICK_MS,
  leaseMs: cfg.SCHEDULER_LEASE_MS,
  internalSecret: cfg.SLIPWAY_INTERNAL_SECRET,
});
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => void scheduler.stop().finally(() => process.exit(0)));
}
await scheduler.start();
log.info({ scheduler: scheduler.id }, 'scheduler started');
