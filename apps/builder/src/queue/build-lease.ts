import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long a build stays owned by a runner that stopped renewing (crashed, killed). */
export const LEASE_TTL_SECONDS = 10;
const leaseKey = (buildId: string): string => `slipway:build:${buildId}:runner`;

/** Renews only while the key still names this runner; 1 when renewed, 0 when lost. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Exclusive ownership of one build by one runner. A job that BullMQ re-queues while
 * its first run is still alive finds the lease held and waits; once the first runner
 * is gone its lease expires and the build can safely run again.
 */
export interface BuildLease {
  /** False when another runner took the build over (this one must stop without recording anything). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export async function acquireBuildLease(redis: Redis, buildId: string): Promise<BuildLease | null> {
  const owner = randomUUID();
  const key = leaseKey(buildId);
  if ((await redis.set(key, owner, 'EX', LEASE_TTL_SECONDS, 'NX')) !== 'OK') return null;
  return {
    renew: async () => (await redis.eval(RENEW, 1, key, owner, LEASE_TTL_SECONDS)) === 1,
    release: async () => {
      await redis.eval(RELEASE, 1, key, owner);
    },
  };
}
