import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long a build stays owned by a runner that stopped renewing (crashed, killed). */
const LEASE_TTL_SECONDS = 8;
const leaseKey = (buildId: string): string => `slipway:build:${buildId}:runner`;

/**
 * 1 when renewed, 0 when another runner holds the build. A lease that merely expired
 * (this runner paused longer than the TTL) is taken back, so the build is never orphaned.
 */
const RENEW = `local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if owner then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;
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
