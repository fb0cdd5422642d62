import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createLogger, reservedHosts, type Logger } from '@slipway/core';
import { routeKeys } from '@slipway/routing';
import { createMetrics, type RouterMetrics } from './admin/metrics.ts';
import { BackendRegistry } from './backends/registry.ts';
import type { RouterConfig } from './config.ts';
import { sendSocketError } from './errors/respond.ts';
import type { ProxyContext } from './proxy/context.ts';
import { httpHandler } from './proxy/http.ts';
import { ClientConnections } from './proxy/limits.ts';
import { upgradeHandler } from './proxy/websocket.ts';
import { RedisRouteSource } from './routes/source.ts';
import { RouteTable } from './routes/table.ts';

export interface RunningRouter {
  /** Address of the plain HTTP listener. */
  address(): AddressInfo;
  httpsAddress(): AddressInfo | undefined;
  table(): RouteTable;
  readonly registry: BackendRegistry;
  readonly metrics: RouterMetrics;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then releases everything. */
  close(graceMs?: number): Promise<void>;
}

/**
 * One router process: loads routes from Redis, listens, proxies. Cluster
 * workers each run one; tests run one in-process. `exclusive` listeners are
 * for tests; cluster workers share the port through the primary.
 */
export async function startRouter(config: RouterConfig, log: Logger = createLogger('router', config.LOG_LEVEL)): Promise<RunningRouter> {
  let table = RouteTable.empty();
  const registry = new BackendRegistry(config.BACKEND_CONNECTIONS);
  const metrics = createMetrics(function* () {
    const now = Date.now();
    for (const s of registry.all()) yield { app: s.app, id: s.id, up: s.available(now) };
  });
  const source = new RedisRouteSource(
    config.REDIS_URL,
    routeKeys(config.ROUTES_KEY_PREFIX),
    reservedHosts(config),
    (next) => {
      table = next;
      registry.sync(next);
    },
    log,
    config.SLIPWAY_INTERNAL_SECRET,
  );
  await source.start();

  const tls = config.TLS_CERT_FILE && config.TLS_KEY_FILE
    ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE) }
    : undefined;
  let https: Server | undefined;
  const ctx: ProxyContext = {
    config, table: () => table, registry, metrics, log,
    affinitySecret: config.AFFINITY_SECRET ?? randomBytes(32).toString('hex'),
    connections: new ClientConnections(),
    tunnels: new Set(),
    eject: { after5xx: config.EJECT_AFTER_5XX, ejectMs: config.EJECT_MS },
    httpsPort: () => (https?.address() as AddressInfo | null)?.port,
  };

  const opts = { maxHeaderSize: config.MAX_HEADER_BYTES, requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: config.CLIENT_IDLE_TIMEOUT_MS };
  const servers: Server[] = [];
  const http = prepare(createServer(opts, httpHandler(ctx, 'http')), ctx, 'http');
  servers.push(http);
  await listen(http, config.ROUTER_PORT, config.ROUTER_HOST);
  if (tls) {
    https = prepare(createTlsServer({ ...opts, ...tls }, httpHandler(ctx, 'https')), ctx, 'https');
    servers.push(https);
    await listen(https, config.ROUTER_HTTPS_PORT, config.ROUTER_HOST);
  }
  log.info({ port: (http.address() as AddressInfo).port, tls: Boolean(tls) }, 'router listening');

  return {
    address: () => http.address() as AddressInfo,
    httpsAddress: () => https?.address() as AddressInfo | undefined,
    table: () => table,
    registry,
    metrics,
    async close(graceMs = config.SHUTDOWN_GRACE_MS) {
      const cut = setTimeout(() => ctx.tunnels.forEach((t) => t.destroy()), graceMs);
      cut.unref();
      await Promise.all(servers.map((s) => drain(s, graceMs)));
      clearTimeout(cut);
      await source.close();
      await registry.close();
    },
  };
}

function prepare(server: Server, ctx: ProxyContext, proto: 'http' | 'https'): Server {
  server.on(proto === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => ctx.connections.track(socket));
  server.on('upgrade', upgradeHandler(ctx, proto));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'HPE_HEADER_OVERFLOW') sendSocketError(socket, 'H26', '-');
    else if (err.code === 'ECONNRESET' || !socket.writable) socket.destroy();
    else socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  return server;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Refuses new connections, closes idle keep-alive ones, and waits for in-flight requests up to graceMs. */
function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
