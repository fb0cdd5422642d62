import type { Redis } from 'ioredis';
import type { BuildLease } from './build-lease.ts';
import { cancelKey } from './build-queue.ts';

export type StopReason = 'cancelled' | 'lease-lost';

/**
 * Checks once a second, while a build runs, whether it was cancelled or taken over
 * by another runner, renewing the runner's lease on the way; aborts `signal` with
 * the reason. Redis errors are ignored: the next tick tries again.
 */
export function watchBuild(redis: Redis, buildId: string, lease: BuildLease, everyMs = 1000): { signal: AbortSignal; reason: () => StopReason | null; stop: () => void } {
  const abort = new AbortController();
  const check = async () => {
    if (!(await lease.renew())) abort.abort('lease-lost' satisfies StopReason);
    else if (await redis.get(cancelKey(buildId))) abort.abort('cancelled' satisfies StopReason);
  };
  const timer = setInterval(() => {
    if (!abort.signal.aborted) check().catch(() => undefined);
  }, everyMs);
  return {
    signal: abort.signal,
    reason: () => (abort.signal.aborted ? (abort.signal.reason as StopReason) : null),
    stop: () => clearInterval(timer),
  };
}

/** Whether a cancel was requested for this build (e.g. while no builder was running it). */
export const cancelRequested = async (redis: Redis, buildId: string): Promise<boolean> => (await redis.get(cancelKey(buildId))) !== null;
