import { z } from 'zod';
import { metricsKey, metricsSeriesKey, statsPointSchema, type StatsPoint } from '@slipway/routing';
import type { AppMetrics, MetricsPoint } from '@slipway/api-types';
import type { Deps } from '../deps.ts';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { memoryLimitMb } from '../agents/assignments.ts';
import { memoryPointSchema, memorySeriesKey, mergeMemory } from '../agents/memory-series.ts';

/** A router silent for this long is gone; its last snapshot no longer counts. */
const STALE_MS = 20_000;
export const STEP_MS = 10_000;

const snapshotSchema = z.object({
  at: z.number(),
  stats: z.object({
    requests: z.number(),
    byStatusClass: z.record(z.string(), z.number()),
    backends: z.object({ up: z.number(), total: z.number() }),
    websockets: z.number(),
  }),
});

/** Entries that do not parse are skipped: one bad writer must not hide the others. */
function parseAll<T>(schema: z.ZodType<T>, raw: string[]): T[] {
  return raw.flatMap((r) => {
    try {
      const parsed = schema.safeParse(JSON.parse(r));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

/** Upper bound, in ms, of the cumulative bucket holding quantile q (null without requests). */
export function quantileMs(cumulative: { le: number; count: number }[], q: number): number | null {
  const sorted = [...cumulative].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const bucket = sorted.find((b) => b.count >= q * total);
  return bucket && Number.isFinite(bucket.le) ? bucket.le * 1000 : null;
}

/**
 * Merges every router's interval points into fixed steps: request rates add up
 * across routers, latency histograms are summed before taking quantiles.
 */
export function mergeSeries(points: StatsPoint[], stepMs = STEP_MS): MetricsPoint[] {
  const steps = new Map<number, StatsPoint[]>();
  for (const p of points) {
    const slot = Math.floor(p.at / stepMs) * stepMs;
    steps.set(slot, [...(steps.get(slot) ?? []), p]);
  }
  return [...steps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, list]) => {
      const perRouter = new Map<string, { requests: number; ms: number }>();
      const histogram = new Map<number, number>();
      let requests = 0;
      let errors = 0;
      for (const p of list) {
        const r = perRouter.get(p.router) ?? { requests: 0, ms: 0 };
        perRouter.set(p.router, { requests: r.requests + p.requests, ms: r.ms + p.intervalMs });
        requests += p.requests;
        errors += p.errors5xx;
        for (const b of p.latency) histogram.set(b.le, (histogram.get(b.le) ?? 0) + b.count);
      }
      const cumulative = [...histogram].map(([le, count]) => ({ le, count }));
      return {
        at,
        requestsPerSecond: [...perRouter.values()].reduce((sum, r) => sum + (r.requests * 1000) / r.ms, 0),
        p50Ms: quantileMs(cumulative, 0.5),
        p99Ms: quantileMs(cumulative, 0.99),
        errorRate: requests ? errors / requests : null,
      };
    });
}

async function routerFigures(deps: Deps, app: string, now: number): Promise<AppMetrics['current']> {
  const snapshots = parseAll(snapshotSchema, Object.values(await deps.redis.hgetall(metricsKey(app))));
  const live = snapshots.filter((s) => now - s.at < STALE_MS).map((s) => s.stats);
  return {
    routers: live.length,
    requests: live.reduce((n, s) => n + s.requests, 0),
    errors5xx: live.reduce((n, s) => n + (s.byStatusClass['5xx'] ?? 0), 0),
    backends: { up: live.reduce((n, s) => n + s.backends.up, 0), total: live.reduce((n, s) => n + s.backends.total, 0) },
    websockets: live.reduce((n, s) => n + s.websockets, 0),
  };
}

export const metricRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/metrics',
    tag: 'metrics',
    summary: 'Router figures (requests/s, p50/p99 latency, 5xx rate) and memory use over the last hour in 10 s steps, and memory per instance',
    handler: async ({ deps, principal, params }): Promise<AppMetrics> => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const now = Date.now();
      const [current, rawPoints, rawMemory, instances, formation] = await Promise.all([
        routerFigures(deps, app.name, now),
        deps.redis.lrange(metricsSeriesKey(app.name), 0, -1),
        deps.redis.lrange(memorySeriesKey(app.id), 0, -1),
        deps.db.instance.findMany({ where: { appId: app.id, state: { in: ['starting', 'running', 'crashed'] } }, select: { name: true, type: true, state: true, memoryMb: true, memoryUsedMb: true }, orderBy: [{ type: 'asc' }, { name: 'asc' }] }),
        deps.db.formation.findMany({ where: { appId: app.id }, select: { type: true, memoryMb: true } }),
      ]);
      const points = parseAll(statsPointSchema, rawPoints);
      const limitOf = new Map(formation.map((f) => [f.type, f.memoryMb]));
      return {
        stepMs: STEP_MS,
        current,
        series: mergeSeries(points),
        memory: mergeMemory(parseAll(memoryPointSchema, rawMemory), now),
        instances: instances.map((i) => ({ name: i.name, type: i.type, state: i.state, memoryLimitMb: memoryLimitMb(i.memoryMb, limitOf.get(i.type)), memoryUsedMb: i.memoryUsedMb })),
      };
    },
  }),
];
