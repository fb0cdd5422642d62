import { z } from 'zod';
import { loadEnv } from '@slipway/core';

/** Environment of whichever process runs the broker (the API, or a broker worker). */
export const addonsEnv = {
  ADDONS_POSTGRES_ADMIN_URL: z.string().url().optional(),
  ADDONS_REDIS_ADMIN_URL: z.string().url().optional(),
  /** Host apps use to reach the add-on servers (e.g. the worker bridge address); default: the admin URL's host. */
  ADDONS_PUBLIC_HOST: z.string().min(1).optional(),
  ADDONS_BACKUP_DIR: z.string().min(1).default('/var/lib/slipway/addons/backups'),
  /** Attempts per provision/deprovision job before the add-on is marked failed. */
  ADDONS_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** How often the usage watch measures Redis add-ons against their quota and checks Postgres passwords. */
  ADDONS_WATCH_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(30_000),
};

export type AddonsConfig = ReturnType<typeof loadAddonsConfig>;

export function loadAddonsConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadEnv(addonsEnv, source);
}
