import type { Logger } from './logger.ts';

/** The two Redis calls the watch makes (an ioredis client fits). */
export interface MarkerStore {
  exists(key: string): Promise<number>;
  set(key: string, value: string): Promise<unknown>;
}

export interface RedisLossWatch {
  /** Checks now (also what every interval does); resolves when the check and any restore ended. */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Redis holds only derived state (queues, leases, routes): the database is the record. A marker key
 * that `restore` sets once it has rebuilt its part tells whether Redis still holds it. The marker is
 * missing at the first start and after Redis restarted empty or was flushed; then `restore` runs
 * (again) and the marker is set only once it succeeded, so a restore that failed (database down too)
 * is retried at the next check. `restore` must be idempotent: two processes may run it at once.
 */
export function watchRedisLoss(store: MarkerStore, key: string, restore: () => Promise<void>, opts: { everyMs: number; log: Logger; what: string }): RedisLossWatch {
  let running: Promise<void> | null = null;
  const once = async () => {
    if ((await store.exists(key)) === 1) return;
    await restore();
    await store.set(key, new Date().toISOString());
    opts.log.info({ marker: key }, `${opts.what} rebuilt from the database (Redis had none)`);
  };
  const check = () => {
    // One at a time: a slow restore is never started twice by this process.
    running ??= once()
      .catch((err: unknown) => opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, `${opts.what}: cannot check or rebuild from the database yet; retrying`))
      .finally(() => { running = null; });
    return running;
  };
  const timer = setInterval(() => void check(), opts.everyMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
