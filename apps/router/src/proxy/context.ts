import type { Duplex } from 'node:stream';
import type { Logger } from '@slipway/core';
import type { BackendRegistry } from '../backends/registry.ts';
import type { RouterConfig } from '../config.ts';
import type { EjectPolicy } from '../health/passive.ts';
import type { RouterMetrics } from '../admin/metrics.ts';
import type { RouteTable } from '../routes/table.ts';
import type { RouterErrorCode } from '../errors/codes.ts';
import type { ClientConnections } from './limits.ts';

/** What the request paths share: settings, the current table, backends and instruments. */
export interface ProxyContext {
  readonly config: RouterConfig;
  table(): RouteTable;
  readonly registry: BackendRegistry;
  readonly metrics: RouterMetrics;
  readonly log: Logger;
  readonly affinitySecret: string;
  readonly connections: ClientConnections;
  readonly eject: EjectPolicy;
  /** Open WebSocket tunnels; shutdown cuts them once the grace period is over. */
  readonly tunnels: Set<Duplex>;
  /** TLS is served too, so plain requests may be redirected. */
  httpsPort(): number | undefined;
}

/** One access-log line and the metrics of one finished request. */
export interface Outcome {
  app: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
  totalMs: number;
  upstreamMs: number | undefined;
  backend: string | undefined;
  requestId: string;
  code: RouterErrorCode | undefined;
  retried: boolean;
}

export function record(ctx: ProxyContext, o: Outcome): void {
  ctx.metrics.requests.inc({ app: o.app, status: o.status });
  ctx.metrics.duration.observe({ app: o.app }, o.totalMs / 1000);
  ctx.metrics.bytes.inc({ app: o.app }, o.bytes);
  if (o.code) ctx.metrics.errors.inc({ app: o.app, code: o.code });
  // A client hanging up (H27) is its own doing: an access-log line, not a warning.
  if (o.code && o.code !== 'H27') {
    ctx.log.warn(o, `router error ${o.code}`);
  } else if (ctx.config.ACCESS_LOG) {
    ctx.log.info(o, 'request');
  }
}
