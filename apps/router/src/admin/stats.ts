import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** Per-app figures for the dashboard, derived from the (aggregated) metrics. */
export interface AppStats {
  requests: number;
  byStatusClass: Record<string, number>;
  errors: Record<string, number>;
  responseBytes: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** Cumulative latency histogram in seconds (`le` upper bounds), for quantiles over any interval. */
  latencyBuckets: { le: number; count: number }[];
  backends: { up: number; total: number };
  websockets: number;
}

type Metric = MetricObjectWithValues<MetricValue<string>>;

export function appStats(metrics: readonly Metric[]): Record<string, AppStats> {
  const out: Record<string, AppStats> = {};
  const app = (name: string | number | undefined): AppStats =>
    (out[String(name)] ??= {
      requests: 0, byStatusClass: {}, errors: {}, responseBytes: 0,
      latencyMs: { p50: null, p95: null, p99: null }, latencyBuckets: [], backends: { up: 0, total: 0 }, websockets: 0,
    });
  const buckets = new Map<string, { le: number; count: number }[]>();
  for (const m of metrics) {
    for (const v of m.values) {
      const l = v.labels;
      switch (m.name) {
        case 'slipway_router_requests_total': {
          const s = app(l.app);
          s.requests += v.value;
          const cls = `${String(l.status).charAt(0)}xx`;
          s.byStatusClass[cls] = (s.byStatusClass[cls] ?? 0) + v.value;
          break;
        }
        case 'slipway_router_errors_total':
          app(l.app).errors[String(l.code)] = (app(l.app).errors[String(l.code)] ?? 0) + v.value;
          break;
        case 'slipway_router_response_bytes_total':
          app(l.app).responseBytes += v.value;
          break;
        case 'slipway_router_backend_up':
          app(l.app).backends.total += 1;
          app(l.app).backends.up += v.value > 0 ? 1 : 0;
          break;
        case 'slipway_router_websockets_open':
          app(l.app).websockets += v.value;
          break;
        case 'slipway_router_request_duration_seconds':
          if ((v as { metricName?: string }).metricName?.endsWith('_bucket')) {
            const list = buckets.get(String(l.app)) ?? [];
            list.push({ le: l.le === '+Inf' ? Infinity : Number(l.le), count: v.value });
            buckets.set(String(l.app), list);
          }
          break;
      }
    }
  }
  for (const [name, list] of buckets) {
    list.sort((a, b) => a.le - b.le);
    const s = app(name);
    s.latencyMs = { p50: quantile(list, 0.5), p95: quantile(list, 0.95), p99: quantile(list, 0.99) };
    s.latencyBuckets = list;
  }
  return out;
}

/** Upper bound of the cumulative histogram bucket holding quantile q, in ms (null without data). */
export function quantile(cumulative: readonly { le: number; count: number }[], q: number): number | null {
  const total = cumulative.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const bucket = cumulative.find((b) => b.count >= q * total);
  return bucket && Number.isFinite(bucket.le) ? bucket.le * 1000 : null;
}
