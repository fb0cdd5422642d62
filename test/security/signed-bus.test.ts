import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { sign } from '@slipway/core';
import { routeKeys, setHostRoutes } from '@slipway/routing';
import { logsChannel, recentLogsKey } from '@slipway/scheduler/channels';
import type { LogLine } from '@slipway/api-types';
import { loadRouterConfig } from '../../apps/router/src/config.ts';
import { startRouter, type RunningRouter } from '../../apps/router/src/router.ts';
import { publishLogs } from '../../apps/api/src/agents/logs.ts';
import { logEntry } from '../../apps/api/src/agents/log-entry.ts';
import { buildLogKey, publishEnd, publishLine } from '../../apps/builder/src/queue/build-log.ts';
import { startBackend, type TestBackend } from '../router/helpers.ts';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// The internal bus with SLIPWAY_INTERNAL_SECRET set: a process that can write to
// Redis but lacks the secret cannot inject backends, redirect hosts, roll the
// table back, or put lines into an app's log or a build's output. Real router, real API, real Redis.
const secret = randomBytes(32).toString('hex');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `slipway_t_${randomBytes(6).toString('hex')}:`;
const keys = routeKeys(prefix);
let router: RunningRouter;
let good: TestBackend;
let better: TestBackend;
let evil: TestBackend;

before(async () => {
  [good, better, evil] = await Promise.all([startBackend('good'), startBackend('better'), startBackend('evil')]);
  router = await startRouter(loadRouterConfig({ ...process.env, ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0', ROUTES_KEY_PREFIX: prefix, LOG_LEVEL: 'silent', SLIPWAY_INTERNAL_SECRET: secret }));
});
after(async () => {
  await router?.close(500);
  await Promise.all([good, better, evil].map((b) => b?.kill()));
  await redis.del(keys.hash);
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const one = (b: TestBackend, app = 'shop') => [{ app, backends: [{ id: b.id, url: b.url }] }];
async function backendFor(host: string): Promise<string> {
  const res = await request(`http://127.0.0.1:${router.address().port}/`, { headers: { host } });
  const body = await res.body.text();
  return res.statusCode === 200 ? (JSON.parse(body) as { backend: string }).backend : `status ${res.statusCode}`;
}
/** Waits until the router answers `want` for host, or returns what it answers after ~1 s. */
async function settle(host: string, want: string): Promise<string> {
  let got = '';
  for (let i = 0; i < 50 && (got = await backendFor(host)) !== want; i++) await sleep(20);
  return got;
}

test('route table: signed entries are served; unsigned, forged, moved and rolled-back entries are refused', async () => {
  await setHostRoutes(redis, 'shop.test', one(good), keys, secret);
  assert.equal(await settle('shop.test', 'good'), 'good');
  const goodEntry = (await redis.hget(keys.hash, 'shop.test'))!;

  // Injection without the secret: a new host, then a takeover of an existing one.
  await redis.multi().hset(keys.hash, 'evil.test', JSON.stringify(one(evil))).publish(keys.channel, sign('evil.test', secret)).exec();
  await redis.multi().hset(keys.hash, 'shop.test', JSON.stringify(one(evil))).publish(keys.channel, 'shop.test').exec();
  await setHostRoutes(redis, 'other.test', one(evil), keys, 'not-the-secret-'.repeat(3));
  await sleep(300);
  assert.equal(await backendFor('evil.test'), 'status 404');
  assert.equal(await backendFor('other.test'), 'status 404');
  assert.equal(await backendFor('shop.test'), 'good');

  // A valid entry copied to another hostname does not verify there.
  await redis.hset(keys.hash, 'copy.test', goodEntry);
  await redis.publish(keys.channel, sign('copy.test', secret));
  await sleep(300);
  assert.equal(await backendFor('copy.test'), 'status 404');

  // Legitimate update, then the old signed entry written back: refused as a rollback.
  await setHostRoutes(redis, 'shop.test', one(better), keys, secret);
  assert.equal(await settle('shop.test', 'better'), 'better');
  await redis.hset(keys.hash, 'shop.test', goodEntry);
  await redis.publish(keys.channel, sign('shop.test', secret));
  await sleep(300);
  assert.equal(await backendFor('shop.test'), 'better');
});

test('route change notifications: stale, replayed and unsigned ones are ignored', async () => {
  await setHostRoutes(redis, 'notice.test', one(good), keys, secret);
  assert.equal(await settle('notice.test', 'good'), 'good');
  // The entry changes without a notice; only a fresh signed notice makes the router look.
  await redis.hset(keys.hash, 'notice.test', sign(`notice.test\n${JSON.stringify(one(better).map((r) => ({ ...r, pathPrefix: '/', balance: 'round-robin', affinity: false, backends: r.backends.map((b) => ({ ...b, state: 'active' })) })))}`, secret));
  const fresh = sign('notice.test', secret);
  await redis.publish(keys.channel, sign('notice.test', secret, Date.now() - 61_000));
  await redis.publish(keys.channel, 'notice.test');
  await sleep(300);
  assert.equal(await backendFor('notice.test'), 'good', 'stale or unsigned notice acted upon');
  await redis.publish(keys.channel, fresh);
  assert.equal(await settle('notice.test', 'better'), 'better');
  // The same notice again is a replay: the router ignores it (the entry it would reload is unchanged anyway).
  assert.equal(await redis.publish(keys.channel, fresh), 1);
});

let api: TestApi;
test('log lines: the API shows its app\'s signed lines only, live and from history, and a replayed live line once', async (t) => {
  api = await startApi({ SLIPWAY_INTERNAL_SECRET: secret });
  t.after(() => api.stop());
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const app = (await client(api.url, token)('POST', '/v1/apps', { name: 'logged' })).body as { id: string };
  const line = (text: string): LogLine => ({ ts: new Date().toISOString(), dyno: 'web.1', type: 'web', instanceId: 'i1', stream: 'stdout', line: text });
  // History: one line through the real writer (signed), one pushed raw by an intruder.
  const node = await api.deps.db.node.create({ data: { name: 'n1', address: '127.0.0.1', credentialHash: 'x', memoryMb: 1024, cpus: 1 } });
  const release = await api.deps.db.release.create({ data: { appId: app.id, version: 1, image: 'img', description: 'test', config: '' } });
  const inst = await api.deps.db.instance.create({ data: { appId: app.id, releaseId: release.id, type: 'web', name: 'web.1', nodeId: node.id } });
  await publishLogs(api.deps.db, api.deps.redis, node.id, [{ instanceId: inst.id, ts: new Date().toISOString(), stream: 'stdout', line: 'real history' }], secret);
  await api.deps.redis.rpush(recentLogsKey(app.id), JSON.stringify(line('forged history')));
  // A line really signed for another app, copied into this one's history.
  await api.deps.redis.rpush(recentLogsKey(app.id), logEntry('another-app', line('forged foreign history'), secret));

  const ctl = new AbortController();
  const res = await fetch(`${api.url}/v1/apps/logged/logs?tail=true`, { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal });
  const reader = res.body!.getReader();
  let text = '';
  let pending: ReturnType<typeof reader.read> | null = null;
  const readFor = async (ms: number) => {
    const stop = Date.now() + ms;
    while (Date.now() < stop) {
      pending ??= reader.read();
      const r = await Promise.race([pending, sleep(stop - Date.now()).then(() => null)]);
      if (!r) break;
      pending = null;
      if (r.done) break;
      text += Buffer.from(r.value).toString();
    }
  };
  await readFor(300);
  const live = logEntry(app.id, line('real live'), secret);
  await api.deps.redis.publish(logsChannel(app.id), JSON.stringify(line('forged live')));
  await api.deps.redis.publish(logsChannel(app.id), logEntry(app.id, line('wrong key'), 'k'.repeat(40)));
  await api.deps.redis.publish(logsChannel(app.id), logEntry('another-app', line('forged foreign live'), secret));
  await api.deps.redis.publish(logsChannel(app.id), sign(JSON.stringify(line('forged unbound live')), secret));
  await api.deps.redis.publish(logsChannel(app.id), sign(`${app.id}\n${JSON.stringify(line('stale live'))}`, secret, Date.now() - 120_000));
  await api.deps.redis.publish(logsChannel(app.id), live);
  await api.deps.redis.publish(logsChannel(app.id), live);
  await readFor(700);
  ctl.abort();
  assert.match(text, /real history/);
  assert.equal(text.match(/real live/g)?.length, 1, text);
  assert.doesNotMatch(text, /forged|wrong key|stale live/);
});

test('build log: the output stream shows the builder\'s signed lines only; forged, foreign and unsigned entries are dropped', async (t) => {
  const api = await startApi({ SLIPWAY_INTERNAL_SECRET: secret });
  t.after(() => api.stop());
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const app = (await client(api.url, token)('POST', '/v1/apps', { name: 'built' })).body as { id: string };
  const [build, other] = await Promise.all([0, 1].map(() => api.deps.db.build.create({ data: { appId: app.id, commitSha: 'c'.repeat(40), status: 'building' } })));
  t.after(() => redis.del(buildLogKey(build!.id), buildLogKey(other!.id)));

  // As the builder writes them, with an intruder's entries in between.
  await publishLine(redis, build!.id, '-----> real step', secret);
  await redis.xadd(buildLogKey(build!.id), '*', 'line', 'remote: forged unsigned');
  await redis.xadd(buildLogKey(build!.id), '*', 'line', sign(`${build!.id}\nline\nforged wrong key`, 'k'.repeat(40)));
  await publishLine(redis, other!.id, 'forged from another build', secret);
  await redis.xadd(buildLogKey(build!.id), '*', 'line', (await redis.xrange(buildLogKey(other!.id), '-', '+'))[0]![1][1]!);
  await redis.xadd(buildLogKey(build!.id), '*', 'end', JSON.stringify({ status: 'failed', failure: 'forged outcome' }));
  await publishLine(redis, build!.id, '-----> real release', secret);
  await publishEnd(redis, build!.id, { status: 'succeeded', releaseVersion: 1, image: 'built:build-1' }, secret);

  const res = await fetch(`${api.url}/v1/apps/built/builds/${build!.id}/output`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.match(text, /real step[\s\S]*real release[\s\S]*event: end[\s\S]*succeeded/);
  assert.doesNotMatch(text, /forged/);
});

test('build log from a builder without the secret: the output stream says entries were dropped and still ends with the recorded outcome', async (t) => {
  const api = await startApi({ SLIPWAY_INTERNAL_SECRET: secret });
  t.after(() => api.stop());
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const app = (await client(api.url, token)('POST', '/v1/apps', { name: 'unsigned-builder' })).body as { id: string };
  const build = await api.deps.db.build.create({ data: { appId: app.id, commitSha: 'd'.repeat(40), status: 'building' } });
  t.after(() => redis.del(buildLogKey(build.id)));
  await publishLine(redis, build.id, '-----> unsigned step');
  await publishEnd(redis, build.id, { status: 'failed', failure: 'boom' });

  const res = fetch(`${api.url}/v1/apps/unsigned-builder/builds/${build.id}/output`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 500));
  await api.deps.db.build.update({ where: { id: build.id }, data: { status: 'failed', failure: 'boom' } });
  const text = await res;
  assert.match(text, /failed their signature check[\s\S]*event: end[\s\S]*"status":"failed","failure":"boom"/);
  assert.doesNotMatch(text, /unsigned step/);
});
