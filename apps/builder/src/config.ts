import { z } from 'zod';
import { commonEnv, internalSecret, loadEnv } from '@slipway/core';

/** Every environment variable the builder reads, validated once at start. */
export const builderEnvShape = {
  ...commonEnv,
  SLIPWAY_SECRET_KEYS: z.string().min(1, 'SLIPWAY_SECRET_KEYS is required (openssl rand -base64 32)'),
  SLIPWAY_REPOS_DIR: z.string().default('/var/lib/slipway/repos'),
  BUILD_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  BUILD_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(900),
  MAX_REPO_MB: z.coerce.number().int().min(1).default(500),
  /** BullMQ key prefix; the API must use the same one. Lets several platforms share one Redis. */
  BUILD_QUEUE_PREFIX: z.string().min(1).optional(),
  /** Signs the build log entries the API reads (the same value as the API's). */
  SLIPWAY_INTERNAL_SECRET: internalSecret.optional(),
};

export type BuilderEnv = ReturnType<typeof loadBuilderEnv>;

export function loadBuilderEnv(source: NodeJS.ProcessEnv = process.env) {
  return loadEnv(builderEnvShape, source);
}
