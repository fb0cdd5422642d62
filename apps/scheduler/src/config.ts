import { z } from 'zod';
import { commonEnv, internalSecret, loadEnv, reservedHostsSetting } from '@slipway/core';
import { defaultPolicy } from './model.ts';
import type { Policy } from './model.ts';

const ms = (d: number) => z.coerce.number().int().positive().default(d);

/** The scheduler's configuration, read once from the environment. */
export function loadSchedulerConfig(source: NodeJS.ProcessEnv = process.env) {
  const env = loadEnv(
    {
      ...commonEnv,
      SLIPWAY_DOMAIN: z.string().default('slipway.localhost'),
      /** The control plane's own names are never routed to an app: the public URL's host and SLIPWAY_RESERVED_HOSTS. */
      SLIPWAY_PUBLIC_URL: z.string().url().optional(),
      SLIPWAY_RESERVED_HOSTS: reservedHostsSetting,
      /** Prefix of the Redis route keys, the same as the routers' (several platforms on one Redis). */
      ROUTES_KEY_PREFIX: z.string().default(''),
      /** Signs the route table and checks desired-state notices (scripts/up.sh generates it). */
      SLIPWAY_INTERNAL_SECRET: internalSecret.optional(),
      SCHEDULER_TICK_MS: ms(2_000),
      SCHEDULER_LEASE_MS: ms(5_000),
      HEARTBEAT_TIMEOUT_MS: ms(defaultPolicy.heartbeatTimeoutMs),
      DRAIN_MS: ms(defaultPolicy.drainMs),
      MAX_RESTARTS: z.coerce.number().int().min(0).default(defaultPolicy.maxRestarts),
      BACKOFF_BASE_MS: ms(defaultPolicy.backoffBaseMs),
    },
    source,
  );
  const policy: Policy = {
    ...defaultPolicy,
    heartbeatTimeoutMs: env.HEARTBEAT_TIMEOUT_MS, drainMs: env.DRAIN_MS, maxRestarts: env.MAX_RESTARTS, backoffBaseMs: env.BACKOFF_BASE_MS,
  };
  return { ...env, policy };
}

export type SchedulerConfig = ReturnType<typeof loadSchedulerConfig>;
