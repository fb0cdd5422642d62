import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteHost, routeKeys, setHostRoutes } from '@slipway/routing';
import { Redis } from 'ioredis';
import { request } from 'undici';
import WebSocket from 'ws';
import { startBackend, type TestBackend } from './helpers.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('router process: cluster workers, aggregated metrics, graceful SIGTERM', () => {
  const prefix = `slipway_t_${randomBytes(6).toString('hex')}:`;
  const keys = routeKeys(prefix);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let proc: ChildProcess;
  let fast: TestBackend;
  let slow: TestBackend;
  let port: number;
  let admin: number;

  before(async () => {
    fast = await startBackend('fast');
    slow = await startBackend('slow', (_req, res) => void setTimeout(() => res.end('{"backend":"slow"}'), 700));
    await setHostRoutes(redis, 'fast.test', [{ app: 'fast', backends: [{ id: 'fast', url: fast.url }] }], keys);
    await setHostRoutes(redis, 'slow.test', [{ app: 'slow', backends: [{ id: 'slow', url: slow.url }] }], keys);
    [port, admin] = [await freePort(), await freePort()];
    proc = spawn(process.execPath, ['--import', 'tsx', 'apps/router/src/main.ts'], {
      env: {
        ...process.env, ROUTER_WORKERS: '2', ROUTER_HOST: '127.0.0.1', ROUTER_PORT: String(port),
        ROUTER_ADMIN_PORT: String(admin), ROUTES_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '3000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 300; i++) {
      const ok = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'fast.test' } }).then((r) => (r.body.dump(), r.statusCode === 200), () => false);
      if (ok) return;
      await sleep(50);
    }
    throw new Error('router did not start');
  });
  after(async () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    await redis.del(keys.hash);
    redis.disconnect();
    await Promise.all([fast.kill(), slow.kill()]);
  });

  it('serves from every worker and sums their metrics on the admin port', async () => {
    for (let i = 0; i < 40; i++) {
      const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'fast.test' }, reset: true });
      assert.equal(res.statusCode, 200);
      await res.body.dump();
    }
    const text = await (await request(`http://127.0.0.1:${admin}/metrics`)).body.text();
    const total = Number(/slipway_router_requests_total\{app="fast",status="200"\} (\d+)/.exec(text)?.[1]);
    assert.ok(total >= 40, text.slice(0, 400));
    const stats = (await (await request(`http://127.0.0.1:${admin}/stats`)).body.json()) as { apps: Record<string, { requests: number }> };
    assert.ok((stats.apps.fast?.requests ?? 0) >= 40);
  });

  it('applies a route published while running', async () => {
    await setHostRoutes(redis, 'late.test', [{ app: 'late', backends: [{ id: 'fast', url: fast.url }] }], keys);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      // new connections spread over both workers; each must have the route
      const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'late.test' }, reset: true });
      status = res.statusCode;
      await res.body.dump();
      if (status !== 200) await sleep(10);
    }
    assert.equal(status, 200);
    await deleteHost(redis, 'late.test', keys);
  });

  it('on SIGTERM finishes in-flight requests, then exits 0', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { host: 'fast.test' } });
    await new Promise((r) => ws.once('message', r));
    const inflight = request(`http://127.0.0.1:${port}/`, { headers: { host: 'slow.test' } });
    await sleep(200);
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    const res = await inflight;
    assert.equal(res.statusCode, 200);
    assert.equal(await res.body.text(), '{"backend":"slow"}');
    const wsClosed = new Promise((r) => ws.once('close', r));
    assert.equal(await exited, 0);
    await wsClosed;
  });
});
