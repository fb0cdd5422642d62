import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { createLogger } from '@slipway/core';
import { createAdminServer } from './admin/server.ts';
import { publishStats } from './admin/publisher.ts';
import { answerMetricsRequests, clusterMetricsSource } from './cluster-metrics.ts';
import { loadRouterConfig } from './config.ts';
import { startRouter } from './router.ts';

/**
 * Entry point. The primary forks one worker per core (they share the listening
 * port), restarts crashed ones, and serves the admin port with metrics
 * aggregated from all workers. SIGTERM drains every worker before exit.
 */
const config = loadRouterConfig();
const log = createLogger(cluster.isPrimary ? 'router' : `router-${cluster.worker?.id}`, config.LOG_LEVEL);

if (cluster.isPrimary) {
  // Workers must sign affinity cookies with one key; several routers need AFFINITY_SECRET set to share it.
  const secret = config.AFFINITY_SECRET ?? randomBytes(32).toString('hex');
  let stopping = false;
  const fork = (): void => void cluster.fork({ AFFINITY_SECRET: secret });
  for (let i = 0; i < config.ROUTER_WORKERS; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ worker: worker.id, code, signal }, 'router worker died; starting another');
    setTimeout(fork, 500).unref();
  });

  const metricsSource = clusterMetricsSource();
  const admin = createAdminServer(metricsSource);
  const stopPublishing = publishStats(config, metricsSource, log);
  admin.listen(config.ROUTER_ADMIN_PORT, config.ROUTER_ADMIN_HOST, () =>
    log.info({ admin: `${config.ROUTER_ADMIN_HOST}:${config.ROUTER_ADMIN_PORT}`, workers: config.ROUTER_WORKERS }, 'router started'),
  );

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping: draining workers');
    admin.close();
    stopPublishing();
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const router = await startRouter(config, log);
  answerMetricsRequests(router.metrics.registry);
  const stop = (): void => {
    void router.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', () => {}); // the primary relays SIGINT as SIGTERM
}
