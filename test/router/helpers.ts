import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostRoutes } from '@slipway/core';
import { deleteHost, routeKeys, setHostRoutes } from '@slipway/routing';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { WebSocketServer } from 'ws';
import { loadRouterConfig } from '../../apps/router/src/config.ts';
import { startRouter, type RunningRouter } from '../../apps/router/src/router.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real backend on loopback: answers JSON naming itself unless given a handler, echoes WebSocket messages. */
export interface TestBackend {
  id: string;
  url: string;
  port: number;
  server: Server;
  /** Stops like a crash: every open connection is cut at once. */
  kill(): Promise<void>;
  /** Stops like a graceful shutdown: in-flight requests finish. */
  close(): Promise<void>;
}

export async function startBackend(id: string, handler?: Handler, port = 0): Promise<TestBackend> {
  const sockets = new Set<Socket>();
  const server = createServer(
    handler ??
      ((req, res) => {
        const body = JSON.stringify({ backend: id, url: req.url, method: req.method, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      }),
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    ws.send(JSON.stringify({ backend: id, forwardedFor: req.headers['x-forwarded-for'] }));
    ws.on('message', (data, binary) => ws.send(data, { binary }));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.address() as AddressInfo).port;
  let stopped = false;
  const stop = async (hard: boolean): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const c of wss.clients) c.terminate();
    if (hard) for (const s of sockets) s.destroy();
    else server.closeIdleConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { id, url: `http://127.0.0.1:${actual}`, port: actual, server, kill: () => stop(true), close: () => stop(false) };
}

/** A router in this process with its own Redis keys, plus helpers to publish routes and send requests. */
export interface TestRouter {
  router: RunningRouter;
  port: number;
  redis: Redis;
  client: Agent;
  /** Publishes routes through @slipway/routing and waits until the router applied them. */
  publish(host: string, routes: HostRoutes | Parameters<typeof setHostRoutes>[2]): Promise<void>;
  unpublish(host: string): Promise<void>;
  get(host: string, path?: string, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;
  stop(): Promise<void>;
}

export async function startTestRouter(env: Record<string, string> = {}): Promise<TestRouter> {
  const prefix = `slipway_t_${randomBytes(6).toString('hex')}:`;
  const keys = routeKeys(prefix);
  const config = loadRouterConfig({
    ...process.env,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: '0',
    ROUTES_KEY_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const router = await startRouter(config);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  const client = new Agent({ connections: 128 });
  const port = router.address().port;
  const waitFor = async (host: string, ok: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !ok(); i++) await sleep(10);
    if (!ok()) throw new Error(`router did not apply routes for ${host}`);
  };
  return {
    router, port, redis, client,
    async publish(host, routes) {
      const parsed = await setHostRoutes(redis, host, routes, keys);
      const want = JSON.stringify([...parsed].sort((a, b) => b.pathPrefix.length - a.pathPrefix.length));
      await waitFor(host, () => {
        const seen = [...router.table().routes()].find(([h]) => h === host.toLowerCase());
        return JSON.stringify(seen?.[1]) === want;
      });
    },
    async unpublish(host) {
      await deleteHost(redis, host, keys);
      await waitFor(host, () => ![...router.table().routes()].some(([h]) => h === host.toLowerCase()));
    },
    async get(host, path = '/', headers = {}) {
      const res = await request(`http://127.0.0.1:${port}${path}`, { dispatcher: client, headers: { host, ...headers } });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    },
    async stop() {
      await client.close();
      await router.close(1_000);
      await redis.del(keys.hash);
      redis.disconnect();
    },
  };
}

export const backendOf = (body: string): string => (JSON.parse(body) as { backend: string }).backend;

/** Runs `total` calls of `one(i)` with `concurrency` in flight; `at(i)` fires before call i (for mid-stream events). */
export async function runStream(
  total: number,
  concurrency: number,
  one: (i: number) => Promise<number>,
  at: Record<number, () => Promise<void>> = {},
): Promise<{ statuses: Map<number, number>; failures: string[] }> {
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  const events: Promise<void>[] = [];
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const event = at[i];
      if (event) events.push(event());
      try {
        const status = await one(i);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 400) failures.push(`#${i}: HTTP ${status}`);
      } catch (err) {
        failures.push(`#${i}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await Promise.all(events);
  return { statuses, failures };
}
