import { createServer, type Server } from 'node:http';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { appStats } from './stats.ts';

export interface MetricsSource {
  /** Prometheus text exposition. */
  text(): Promise<string>;
  json(): Promise<MetricObjectWithValues<MetricValue<string>>[]>;
  contentType: string;
}

/**
 * The admin listener, kept off the public port: GET /metrics (Prometheus),
 * GET /stats (per-app JSON for the dashboard), GET /healthz.
 */
export function createAdminServer(source: MetricsSource): Server {
  return createServer((req, res) => {
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
    const work =
      path === '/metrics'
        ? source.text().then((t) => send(200, source.contentType, t))
        : path === '/stats'
          ? source.json().then((m) => send(200, 'application/json', JSON.stringify({ apps: appStats(m) })))
          : path === '/healthz'
            ? Promise.resolve(send(200, 'text/plain', 'ok\n'))
            : Promise.resolve(send(404, 'text/plain', 'not found\n'));
    work.catch((err: Error) => send(500, 'text/plain', `metrics unavailable: ${err.message}\n`));
  });
}
