import { z } from 'zod';
import { commonEnv, internalSecret, loadEnv } from '@slipway/core';
import { DEFAULT_BUILD_LIMITS } from './build/build-limits.ts';

/** Every environment variable the builder reads, validated once at start. */
export const builderEnvShape = {
  ...commonEnv,
  SLIPWAY_SECRET_KEYS: z.string().min(1, 'SLIPWAY_SECRET_KEYS is required (openssl rand -base64 32)'),
  SLIPWAY_REPOS_DIR: z.string().default('/var/lib/slipway/repos'),
  /** Downloads kept between builds: Node.js releases, npm and corepack for the stack images. */
  SLIPWAY_CACHE_DIR: z.string().default('/var/lib/slipway/cache'),
  BUILD_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  BUILD_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(900),
  MAX_REPO_MB: z.coerce.number().int().min(1).default(500),
  /** Memory of each build step (no swap); a step past it is killed and the build fails. */
  BUILD_MEMORY_MB: z.coerce.number().int().min(64).default(DEFAULT_BUILD_LIMITS.memoryMb),
  /** CPUs each build step may use; fractions allowed. */
  BUILD_CPUS: z.coerce.number().min(0.01).max(256).default(DEFAULT_BUILD_LIMITS.cpus),
  /** Processes and threads of one whole build (needs root and the engine's cgroupfs driver; otherwise a warning at start). */
  BUILD_PIDS_LIMIT: z.coerce.number().int().min(16).default(DEFAULT_BUILD_LIMITS.pidsMax),
  /** BullMQ key prefix; the API must use the same one. Lets several platforms share one Redis. */
  BUILD_QUEUE_PREFIX: z.string().min(1).optional(),
  /** Signs the build log entries the API reads (the same value as the API's). */
  SLIPWAY_INTERNAL_SECRET: internalSecret.optional(),
};

export type BuilderEnv = ReturnType<typeof loadBuilderEnv>;

export function loadBuilderEnv(source: NodeJS.ProcessEnv = process.env) {
  return loadEnv(builderEnvShape, source);
}
