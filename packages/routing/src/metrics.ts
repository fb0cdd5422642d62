import { z } from 'zod';

/*
 * The metrics contract between the edge routers (writers, apps/router/src/admin/publisher.ts)
 * and the API (reader, apps/api/src/routes/metrics.ts). The prefix is '' outside tests.
 * - `slipway:metrics:<app>`: hash, field = router id, value = JSON snapshot of that router's
 *   current figures; expires when no router writes any more.
 * - `slipway:metrics:<app>:series`: capped list, newest first, of JSON `StatsPoint`s
 *   (what one router saw during one interval).
 */
export const metricsKey = (app: string, prefix = ''): string => `${prefix}slipway:metrics:${app}`;
export const metricsSeriesKey = (app: string, prefix = ''): string => `${prefix}slipway:metrics:${app}:series`;

// JSON has no Infinity: the +Inf latency bucket travels as null.
const latencyBuckets = z.array(z.object({ le: z.number().nullable().transform((v) => v ?? Infinity), count: z.number() }));

export const statsPointSchema = z.object({
  router: z.string(),
  /** End of the interval, ms since the epoch. */
  at: z.number(),
  intervalMs: z.number().positive(),
  requests: z.number(),
  errors5xx: z.number(),
  /** Requests of this interval by latency bucket (cumulative, `le` in seconds). */
  latency: latencyBuckets,
});
export type StatsPoint = z.infer<typeof statsPointSchema>;
