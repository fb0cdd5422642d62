import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger, reservedHosts } from '@slipway/core';
import { markTableWhole, routeKeys, setHostRoutes } from '@slipway/routing';
import { RedisRouteSource } from '../../apps/router/src/routes/source.ts';
import type { RouteTable } from '../../apps/router/src/routes/table.ts';
import { run, waitFor } from '../cluster/harness/exec.ts';

// A Redis of this test's own, restarted empty (as after a crash without persistence).
const port = 20_000 + Math.floor(Math.random() * 20_000);
const secret = randomBytes(32).toString('base64');
const keys = routeKeys('t:');
let server: ChildProcess | null = null;
async function startRedis(): Promise<void> {
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor('private redis', async () => (await run('redis-cli', ['-p', String(port), 'ping'], true)).includes('PONG'), 15_000);
}
async function stopRedis(): Promise<void> {
  const s = server!;
  s.kill('SIGKILL');
  if (s.exitCode === null) await new Promise((r) => s.once('exit', r));
}
const route = (app: string, port: number) => [{ app, pathPrefix: '/', backends: [{ id: `${app}-1`, url: `http://127.0.0.1:${port}` }] }];
const hosts = (t: RouteTable) => [...t.routes()].map(([h, r]) => `${h}:${r[0]!.backends.length}`).sort();

after(async () => stopRedis());

test('a router keeps its table through a Redis restarted empty, until the scheduler marks the refilled table whole', async () => {
  await startRedis();
  const writer = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null });
  writer.on('error', () => {});
  await setHostRoutes(writer, 'a.test', route('a', 9001), keys, secret);
  await setHostRoutes(writer, 'gone.test', route('gone', 9002), keys, secret);
  await markTableWhole(writer, keys, secret);

  let table: RouteTable | null = null;
  const source = new RedisRouteSource(`redis://127.0.0.1:${port}`, keys, reservedHosts({ SLIPWAY_DOMAIN: 'slipway.localhost' }), (t) => (table = t), createLogger('test', 'silent'), secret);
  await source.start();
  assert.deepEqual(hosts(table!), ['a.test:1', 'gone.test:1']);

  await stopRedis();
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(hosts(table!), ['a.test:1', 'gone.test:1'], 'Redis down: the table in use stays');
  const loads: string[][] = [];
  const seen = (t: RouteTable) => loads.push(hosts(t));
  // Watch every table handed over from here on: not one may be empty.
  (source as unknown as { apply: (t: RouteTable) => void }).apply = (t) => { table = t; seen(t); };

  await startRedis();
  await waitFor('the router reloaded after reconnecting', async () => loads.length > 0, 20_000);
  assert.deepEqual(hosts(table!), ['a.test:1', 'gone.test:1'], 'an empty store without the mark takes nothing away');

  // The scheduler republishes what exists (a.test; the app of gone.test was destroyed meanwhile), then marks it whole.
  await setHostRoutes(writer, 'a.test', route('a', 9003), keys, secret);
  await waitFor('a.test updated', async () => table!.match('a.test', '/')?.backends[0]?.url === 'http://127.0.0.1:9003', 10_000);
  await markTableWhole(writer, keys, secret);
  await waitFor('the whole table reloaded', async () => hosts(table!).length === 1, 10_000);
  assert.deepEqual(hosts(table!), ['a.test:1']);
  assert.ok(loads.every((l) => l.includes('a.test:1')), `a.test was served by every table: ${JSON.stringify(loads)}`);
  writer.disconnect();
  await source.close();
});
