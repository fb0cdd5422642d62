import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DESIRED_CHANNEL } from '@slipway/scheduler/channels';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';
import { mergeSeries } from '../../apps/api/src/routes/metrics.ts';

let api: TestApi;
let admin: ReturnType<typeof client>;
let token: string;
// App names are global keys in the shared Redis (metrics): unique per run.
const suffix = randomBytes(3).toString('hex');
const shop = `shop-${suffix}`;
const blog = `blog-${suffix}`;

before(async () => {
  api = await startApi();
  token = await tokenFor(api.url, api.admin.email, api.admin.password);
  admin = client(api.url, token);
  for (const name of [shop, blog]) assert.equal((await admin('POST', '/v1/apps', { name })).status, 201);
});
after(async () => {
  await api.deps.redis.del(`slipway:metrics:${shop}`, `slipway:metrics:${shop}:series`);
  await api.stop();
});

test('PATCH /v1/apps/:app saves health checks and session affinity, validated and audited', async () => {
  const check = { web: [{ type: 'startup', path: '/health', content: 'ok', timeout: 3, attempts: 4 }] };
  const saved = await admin('PATCH', `/v1/apps/${shop}`, { healthcheck: check, sessionAffinity: true });
  assert.equal(saved.status, 200);
  assert.equal(saved.body.sessionAffinity, true);
  assert.deepEqual(saved.body.healthcheck.web[0], { type: 'startup', name: 'web-startup-1', path: '/health', scheme: 'http', content: 'ok', timeout: 3, attempts: 4, wait: 5, initialDelay: 0, warn: false });
  assert.equal((await admin('GET', `/v1/apps/${shop}`)).body.healthcheck.web[0].path, '/health');

  for (const bad of [{ healthcheck: { web: [{ path: 'health' }] } }, { healthcheck: { web: [{ pth: '/' }] } }, { healthcheck: { web: [{ type: 'http', path: '/' }] } }, { healthcheck: { web: [{ path: '/', attempts: 0 }] } }, { sessionAffinity: 'yes' }, {}]) {
    const res = await admin('PATCH', `/v1/apps/${shop}`, bad);
    assert.equal(res.status, 422, JSON.stringify(bad));
    assert.ok(res.body.error.message);
  }
  const row = await api.deps.db.app.findUniqueOrThrow({ where: { name: shop } });
  assert.equal(row.sessionAffinity, true, 'a rejected change loses nothing');

  const cleared = await admin('PATCH', `/v1/apps/${shop}`, { healthcheck: null, sessionAffinity: false });
  assert.equal(cleared.body.healthcheck, null);
  assert.equal(cleared.body.sessionAffinity, false);
  const events = await api.deps.db.event.findMany({ where: { appId: row.id, action: 'app.settings' } });
  assert.equal(events.length, 2);
  // Renaming still works through the same endpoint.
  assert.equal((await admin('PATCH', `/v1/apps/${blog}`, { name: blog })).status, 200);
});

test('GET /v1/apps carries each app’s current release, processes and instance counts', async () => {
  const { db } = api.deps;
  const app = await db.app.findUniqueOrThrow({ where: { name: shop } });
  await db.formation.create({ data: { appId: app.id, type: 'web', quantity: 3 } });
  const v1 = await db.release.create({ data: { appId: app.id, version: 1, config: '', status: 'succeeded', description: 'Deploy abc1234' } });
  await db.release.create({ data: { appId: app.id, version: 2, config: '', status: 'succeeded', description: 'Set FOO' } });
  await db.release.create({ data: { appId: app.id, version: 3, config: '', status: 'failed', description: 'Deploy bad' } });
  for (const [name, state] of [['web.1', 'running'], ['web.2', 'running'], ['web.3', 'crashed'], ['web.4', 'stopped']] as const) {
    await db.instance.create({ data: { appId: app.id, releaseId: v1.id, type: 'web', name, state } });
  }
  const list = await admin('GET', '/v1/apps');
  assert.equal(list.status, 200);
  const mine = list.body.items.find((a: { name: string }) => a.name === shop);
  assert.equal(mine.currentRelease.version, 2);
  assert.equal(mine.currentRelease.description, 'Set FOO');
  assert.equal(mine.processes, 3);
  assert.deepEqual(mine.instances, { running: 2, crashed: 1 });
  const other = list.body.items.find((a: { name: string }) => a.name === blog);
  assert.equal(other.currentRelease, null);
  assert.deepEqual(other.instances, {});
});

test('GET /v1/apps/:app/metrics sums live routers and merges their series', async () => {
  const { redis } = api.deps;
  const now = Date.now();
  const stats = (requests: number, up: number) => ({ requests, byStatusClass: { '2xx': requests - 2, '5xx': 2 }, errors: {}, responseBytes: 0, latencyMs: { p50: 5, p95: 10, p99: 25 }, latencyBuckets: [], backends: { up, total: 2 }, websockets: 1 });
  await redis.hset(`slipway:metrics:${shop}`, {
    'edge-1': JSON.stringify({ at: now - 1_000, stats: stats(100, 2) }),
    'edge-2': JSON.stringify({ at: now - 2_000, stats: stats(50, 1) }),
    'edge-gone': JSON.stringify({ at: now - 600_000, stats: stats(1_000, 2) }),
  });
  const point = (router: string, at: number, requests: number) =>
    JSON.stringify({ router, at, intervalMs: 5_000, requests, errors5xx: 1, latency: [{ le: 0.005, count: requests - 1 }, { le: 0.25, count: requests }, { le: null, count: requests }] });
  await redis.lpush(`slipway:metrics:${shop}:series`, point('edge-1', now - 20_000, 50), point('edge-2', now - 20_000, 50), point('edge-1', now - 5_000, 10), '{"x":1}', 'not json');
  const res = await admin('GET', `/v1/apps/${shop}/metrics`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.current.routers, 2);
  assert.equal(res.body.current.requests, 150);
  assert.deepEqual(res.body.current.backends, { up: 3, total: 4 });
  assert.ok(res.body.series.length >= 1);
  const busiest = res.body.series.find((p: { requestsPerSecond: number }) => p.requestsPerSecond === 20);
  assert.ok(busiest, JSON.stringify(res.body.series));
  assert.equal(busiest.p50Ms, 5);
  assert.equal(busiest.p99Ms, 250);
  assert.equal(busiest.errorRate, 0.02);
  assert.deepEqual(res.body.instances.map((i: { name: string }) => i.name), ['web.1', 'web.2', 'web.3']);
  assert.equal(res.body.instances[0].memoryLimitMb, (await api.deps.db.formation.findFirstOrThrow({ where: { app: { name: shop } } })).memoryMb);
  assert.equal((await admin('GET', `/v1/apps/${blog}/metrics`)).body.current.routers, 0);
  assert.equal((await client(api.url)('GET', `/v1/apps/${shop}/metrics`)).status, 401);
});

test('mergeSeries: rates add across routers, one router’s two points in a step average', () => {
  const p = (router: string, at: number, requests: number) => ({ router, at, intervalMs: 5_000, requests, errors5xx: 0, latency: [{ le: Infinity, count: requests }] });
  const [step] = mergeSeries([p('a', 10_001, 50), p('a', 15_000, 100), p('b', 12_000, 25)], 10_000);
  assert.equal(step!.requestsPerSecond, 15 + 5);
  assert.equal(step!.p50Ms, null, 'only the +Inf bucket: no finite bound to report');
  assert.deepEqual(mergeSeries([]), []);
});

test('GET /v1/apps/:app/events/stream pushes a change of this app only', async () => {
  const ids = Object.fromEntries((await api.deps.db.app.findMany({ select: { id: true, name: true } })).map((a) => [a.name, a.id]));
  const controller = new AbortController();
  const res = await fetch(`${api.url}/v1/apps/${shop}/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const until = async (pattern: RegExp) => {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
      text += value;
    }
  };
  await until(/event: ready/);
  await api.deps.redis.publish(DESIRED_CHANNEL, ids[blog]!);
  await api.deps.redis.publish(DESIRED_CHANNEL, ids[shop]!);
  await api.deps.redis.publish(DESIRED_CHANNEL, ids[shop]!);
  await until(/event: changed/);
  assert.equal(text.match(/event: changed/g)!.length, 1, 'a burst arrives as one event');
  assert.match(text, new RegExp(`"app":"${shop}"`));
  controller.abort();
  assert.equal((await admin('GET', `/v1/apps/nope-${suffix}/events/stream`)).status, 404);
});
