import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createLogger } from '@slipway/core';
import { createMetrics } from './metrics.ts';
import { metricsKey, metricsSeriesKey, type StatsPoint } from '@slipway/routing';
import { pointBetween, startStatsPublisher, type RouterSnapshot } from './publisher.ts';

describe('stats publisher', () => {
  it('turns two cumulative readings into one interval, and treats a counter reset as a restart', () => {
    const b = (entries: [number, number][]) => new Map(entries);
    const prev = { at: 1_000, requests: 10, errors5xx: 1, buckets: b([[0.01, 8], [Infinity, 10]]) };
    const now = { at: 6_000, requests: 25, errors5xx: 3, buckets: b([[0.01, 20], [Infinity, 25]]) };
    assert.deepEqual(pointBetween('r1', prev, now), {
      router: 'r1', at: 6_000, intervalMs: 5_000, requests: 15, errors5xx: 2,
      latency: [{ le: 0.01, count: 12 }, { le: Infinity, count: 15 }],
    });
    const restarted = { at: 7_000, requests: 4, errors5xx: 0, buckets: b([[Infinity, 4]]) };
    assert.equal(pointBetween('r1', now, restarted).requests, 4);
  });

  it('writes the snapshot hash and the series list to real Redis', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const prefix = `slipway_t_${randomBytes(5).toString('hex')}:`;
    after(async () => {
      await redis.del(metricsKey('shop', prefix), metricsSeriesKey('shop', prefix));
      redis.disconnect();
    });
    const metrics = createMetrics();
    for (const status of ['200', '200', '503']) metrics.requests.inc({ app: 'shop', status });
    metrics.duration.observe({ app: 'shop' }, 0.004);
    const stop = startStatsPublisher({
      redis, routerId: 'edge-1', log: createLogger('test', 'silent'), intervalMs: 50, keyPrefix: prefix,
      source: { contentType: '', text: () => metrics.registry.metrics(), json: () => metrics.registry.getMetricsAsJSON() },
    });
    try {
      for (let i = 0; i < 100 && (await redis.llen(metricsSeriesKey('shop', prefix))) < 2; i++) await sleep(25);
    } finally {
      stop();
    }
    const snapshot = JSON.parse((await redis.hget(metricsKey('shop', prefix), 'edge-1'))!) as RouterSnapshot;
    assert.equal(snapshot.stats.requests, 3);
    assert.ok((await redis.ttl(metricsKey('shop', prefix))) > 0);
    const points = (await redis.lrange(metricsSeriesKey('shop', prefix), 0, -1)).map((p) => JSON.parse(p) as StatsPoint);
    assert.ok(points.length >= 2);
    // Newest first: the first interval saw all three requests, later ones none.
    assert.equal(points.at(-1)!.requests, 3);
    assert.equal(points.at(-1)!.errors5xx, 1);
    assert.equal(points[0]!.requests, 0);
  });
});
