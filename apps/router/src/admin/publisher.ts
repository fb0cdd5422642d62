import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from '@slipway/core';
import { metricsKey, metricsSeriesKey, type StatsPoint } from '@slipway/routing';
import type { RouterConfig } from '../config.ts';
import type { MetricsSource } from './server.ts';
import { appStats, type AppStats } from './stats.ts';

// Key names and the point format are the contract with the API: packages/routing/src/metrics.ts.
const SNAPSHOT_TTL_S = 60;
const SERIES_TTL_S = 3600;
const SERIES_POINTS = 720;

export interface RouterSnapshot {
  at: number;
  stats: AppStats;
}


interface Totals {
  at: number;
  requests: number;
  errors5xx: number;
  buckets: Map<number, number>;
}

/** What happened between two cumulative readings of one app (a router restart resets the counters). */
export function pointBetween(router: string, prev: Totals | undefined, now: Totals): StatsPoint {
  const base = prev && prev.requests <= now.requests ? prev : { at: now.at, requests: 0, errors5xx: 0, buckets: new Map<number, number>() };
  return {
    router,
    at: now.at,
    intervalMs: Math.max(1, now.at - (prev?.at ?? now.at)),
    requests: now.requests - base.requests,
    errors5xx: now.errors5xx - base.errors5xx,
    latency: [...now.buckets].map(([le, count]) => ({ le, count: count - (base.buckets.get(le) ?? 0) })),
  };
}

const totalsOf = (at: number, s: AppStats): Totals => ({
  at,
  requests: s.requests,
  errors5xx: s.byStatusClass['5xx'] ?? 0,
  buckets: new Map(s.latencyBuckets.map((b) => [b.le, b.count])),
});

/**
 * Every `intervalMs`, writes this router's per-app stats to Redis so the API can
 * serve them without reaching each router's admin port. Returns a stop function.
 */
export function startStatsPublisher(opts: {
  redis: Redis;
  source: MetricsSource;
  routerId: string;
  log: Logger;
  intervalMs?: number;
  keyPrefix?: string;
}): () => void {
  const { redis, source, routerId, log, intervalMs = 5_000, keyPrefix = '' } = opts;
  const previous = new Map<string, Totals>();
  const startedAt = Date.now();
  let failing = false;
  const tick = async (): Promise<void> => {
    const at = Date.now();
    const apps = appStats(await source.json());
    const multi = redis.multi();
    for (const [app, stats] of Object.entries(apps)) {
      const now = totalsOf(at, stats);
      const point = pointBetween(routerId, previous.get(app) ?? { ...now, at: startedAt, requests: 0, errors5xx: 0, buckets: new Map() }, now);
      previous.set(app, now);
      multi
        .hset(metricsKey(app, keyPrefix), routerId, JSON.stringify({ at, stats } satisfies RouterSnapshot))
        .expire(metricsKey(app, keyPrefix), SNAPSHOT_TTL_S)
        .lpush(metricsSeriesKey(app, keyPrefix), JSON.stringify(point))
        .ltrim(metricsSeriesKey(app, keyPrefix), 0, SERIES_POINTS - 1)
        .expire(metricsSeriesKey(app, keyPrefix), SERIES_TTL_S);
    }
    await multi.exec();
  };
  const timer = setInterval(() => {
    tick().then(
      () => (failing = false),
      (err: unknown) => {
        // One warning per outage, not one per tick.
        if (!failing) log.warn({ err }, 'could not publish stats to Redis');
        failing = true;
      },
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The router process's publisher: its own Redis connection, id `<host>:<admin port>`. */
export function publishStats(config: RouterConfig, source: MetricsSource, log: Logger): () => void {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // the publisher logs failed writes itself
  const stop = startStatsPublisher({ redis, source, log, routerId: `${hostname()}:${config.ROUTER_ADMIN_PORT}`, keyPrefix: config.ROUTES_KEY_PREFIX });
  return () => {
    stop();
    redis.disconnect();
  };
}
