import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The router's Prometheus metrics, in a registry of their own (one per worker, aggregated by the primary). */
export interface BackendSnapshot {
  app: string;
  id: string;
  up: boolean;
}

/** `backends` is read at each scrape so the health gauge is never stale. */
export function createMetrics(backends: () => Iterable<BackendSnapshot> = () => []) {
  const registry = new Registry();
  const requests = new Counter({
    name: 'slipway_router_requests_total',
    help: 'Requests answered, by app and status',
    labelNames: ['app', 'status'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'slipway_router_errors_total',
    help: 'Router failures by app and Heroku-style code',
    labelNames: ['app', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'slipway_router_request_duration_seconds',
    help: 'Time from request received to response finished, by app',
    labelNames: ['app'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'slipway_router_response_bytes_total',
    help: 'Response body bytes sent to clients, by app',
    labelNames: ['app'] as const,
    registers: [registry],
  });
  const backendUp = new Gauge({
    name: 'slipway_router_backend_up',
    help: '1 when the backend takes new requests (not ejected, not draining)',
    labelNames: ['app', 'backend'] as const,
    registers: [registry],
    aggregator: 'min',
    collect() {
      this.reset();
      for (const b of backends()) this.set({ app: b.app, backend: b.id }, b.up ? 1 : 0);
    },
  });
  const websockets = new Gauge({
    name: 'slipway_router_websockets_open',
    help: 'WebSocket connections open, by app',
    labelNames: ['app'] as const,
    registers: [registry],
  });
  return { registry, requests, errors, duration, bytes, backendUp, websockets };
}

export type RouterMetrics = ReturnType<typeof createMetrics>;
