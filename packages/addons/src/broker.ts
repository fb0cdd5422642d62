import type { Worker } from 'bullmq';
import type { Logger, SecretBox } from '@slipway/core';
import type { Db } from '@slipway/db';
import { BackupService } from './backups.ts';
import type { AddonsConfig } from './config.ts';
import { createAddonsQueue, startAddonWorker, type AddonJobData, type QueueOptions } from './jobs.ts';
import type { AddonChange, BrokerDeps } from './operations.ts';
import { PostgresBackups } from './postgres/backups.ts';
import { PostgresProvider } from './postgres/provider.ts';
import type { Providers } from './provider.ts';
import { RedisProvider } from './redis/provider.ts';
import { AddonService } from './service.ts';
import { UsageWatch } from './usage-watch.ts';

export interface BrokerOptions {
  db: Db;
  box: SecretBox;
  logger: Logger;
  config: AddonsConfig;
  queue: QueueOptions;
  /** Add-on became available / deprovisioned / failed: release `appIds` with `service.configVarsForApp`. */
  onChange?: (change: AddonChange) => Promise<void>;
}

export interface Broker {
  service: AddonService;
  /** Absent when no Postgres add-on server is configured. */
  backups: BackupService | null;
  /** Runs `addons` jobs in this process; call once per process that should do broker work. */
  startWorker(concurrency?: number): Worker<AddonJobData>;
  /** Quotas and password repair (see usage-watch.ts); `runOnce` runs a pass now. */
  watch: UsageWatch;
  /** Runs the watch in this process every ADDONS_WATCH_INTERVAL_MS. */
  startWatch(): void;
  close(): Promise<void>;
}

/** Wires providers, queue, service and backups from the add-ons config. */
export function createBroker(opts: BrokerOptions): Broker {
  const { config, logger } = opts;
  const common = { logger, ...(config.ADDONS_PUBLIC_HOST ? { publicHost: config.ADDONS_PUBLIC_HOST } : {}) };
  const postgres = config.ADDONS_POSTGRES_ADMIN_URL ? new PostgresProvider({ adminUrl: config.ADDONS_POSTGRES_ADMIN_URL, ...common }) : null;
  const redis = config.ADDONS_REDIS_ADMIN_URL ? new RedisProvider({ adminUrl: config.ADDONS_REDIS_ADMIN_URL, ...common }) : null;
  const providers: Providers = { ...(postgres ? { postgres } : {}), ...(redis ? { redis } : {}) };
  const pgBackups = new PostgresBackups({ dir: config.ADDONS_BACKUP_DIR, logger });

  const secrets = [config.ADDONS_POSTGRES_ADMIN_URL, config.ADDONS_REDIS_ADMIN_URL].flatMap((u) => (u ? [decodeURIComponent(new URL(u).password)] : []));
  const deps: BrokerDeps = {
    db: opts.db,
    box: opts.box,
    providers,
    logger,
    secrets,
    onChange: async (change) => {
      if (change.state === 'deprovisioned') await pgBackups.removeAll(change.addonId);
      await opts.onChange?.(change);
    },
  };
  const queue = createAddonsQueue(opts.queue);
  const service = new AddonService({ ...deps, queue, attempts: config.ADDONS_JOB_ATTEMPTS });
  const backups = postgres ? new BackupService({ service, postgres, backups: pgBackups }) : null;
  const workers: Worker<AddonJobData>[] = [];
  const watch = new UsageWatch({ db: opts.db, box: opts.box, logger, redis, postgres, secrets });

  return {
    service,
    backups,
    startWorker(concurrency) {
      const worker = startAddonWorker(deps, { ...opts.queue, ...(concurrency ? { concurrency } : {}) });
      workers.push(worker);
      return worker;
    },
    watch,
    startWatch() {
      watch.start(config.ADDONS_WATCH_INTERVAL_MS);
    },
    async close() {
      await watch.stop();
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      await Promise.all(Object.values(providers).map((p) => p.close()));
    },
  };
}
