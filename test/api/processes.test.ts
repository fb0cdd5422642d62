import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { logsChannel, recentLogsKey } from '@slipway/scheduler/channels';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// The API side of ps, logs, run and nodes. Instances and log lines are written the
// way the agent endpoints write them (database rows, Redis list and channel); the
// cluster suite covers the agents themselves.
let api: TestApi;
let admin: ReturnType<typeof client>;
let appId: string;

before(async () => {
  api = await startApi();
  admin = client(api.url, await tokenFor(api.url, api.admin.email, api.admin.password));
  appId = (await admin('POST', '/v1/apps', { name: 'procs' })).body.id;
  const db = api.deps.db;
  const release = await db.release.create({ data: { appId, version: 1, image: 'procs:v1', config: api.deps.box.encryptJson({}), description: 'Deploy', status: 'succeeded', processTypes: { web: 'node server.js' } } });
  const node = await db.node.create({ data: { name: 'n1', address: '10.0.0.1', credentialHash: 'x', memoryMb: 4096, cpus: 2, lastHeartbeatAt: new Date() } });
  for (const name of ['web.1', 'web.2']) {
    await db.instance.create({ data: { appId, releaseId: release.id, type: 'web', name, nodeId: node.id, state: 'running', healthy: true, startedAt: new Date(Date.now() - 60_000) } });
  }
});
after(async () => {
  await api.deps.redis.del(recentLogsKey(appId));
  await api.stop();
});

test('ps lists instances with node, state, health and uptime', async () => {
  const res = await admin('GET', '/v1/apps/procs/instances');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.map((i: { name: string; node: string; state: string; healthy: boolean }) => [i.name, i.node, i.state, i.healthy]), [
    ['web.1', 'n1', 'running', true],
    ['web.2', 'n1', 'running', true],
  ]);
  assert.ok(res.body[0].uptimeSeconds >= 59);
});

test('ps:stop one instance and ps:restart drain instances for the scheduler to replace', async () => {
  assert.equal((await admin('POST', '/v1/apps/procs/instances/web.2/stop')).status, 202);
  assert.equal((await admin('POST', '/v1/apps/procs/instances/web.9/stop')).status, 404);
  const restarted = await admin('POST', '/v1/apps/procs/instances/restart', { type: 'web' });
  assert.equal(restarted.status, 202);
  assert.equal(restarted.body.restarted, 1, 'web.2 was already draining');
  const states = (await admin('GET', '/v1/apps/procs/instances')).body.map((i: { state: string }) => i.state);
  assert.deepEqual(states, ['draining', 'draining']);
  assert.equal((await admin('POST', '/v1/apps/procs/instances/restart', { type: 'Bad Type' })).status, 422);
});

test('logs: recent lines, filtered by type, and a live tail over server-sent events', async () => {
  const line = (dyno: string, text: string) => JSON.stringify({ ts: new Date().toISOString(), dyno, type: dyno.split('.')[0], instanceId: dyno, stream: 'stdout', line: text });
  await api.deps.redis.rpush(recentLogsKey(appId), line('web.1', 'GET / 200'), line('worker.1', 'job done'));
  const all = await fetch(`${api.url}/v1/apps/procs/logs`, { headers: { authorization: `Bearer ${await tokenFor(api.url, api.admin.email, api.admin.password)}` } });
  const text = await all.text();
  assert.match(text, /GET \/ 200/);
  assert.match(text, /job done/);
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const webOnly = await (await fetch(`${api.url}/v1/apps/procs/logs?type=web`, { headers: { authorization: `Bearer ${token}` } })).text();
  assert.doesNotMatch(webOnly, /job done/);

  const controller = new AbortController();
  const tail = await fetch(`${api.url}/v1/apps/procs/logs?tail=true&lines=0`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  assert.equal(tail.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = tail.body!.getReader();
  await api.deps.redis.publish(logsChannel(appId), line('web.1', 'live line 42'));
  let received = '';
  while (!received.includes('live line 42')) {
    const { value, done } = await reader.read();
    if (done) break;
    received += new TextDecoder().decode(value);
  }
  controller.abort();
  assert.match(received, /data: \{.*"line":"live line 42"/);
});

test('run refuses an app without a deployable node with a clear error', async () => {
  await api.deps.db.node.updateMany({ data: { status: 'down' } });
  const res = await admin('POST', '/v1/apps/procs/runs', { command: 'echo hi' });
  assert.equal(res.status, 503);
  assert.match(res.body.error.message, /No node has room/);
  assert.equal((await admin('POST', '/v1/apps/procs/runs', { command: '' })).status, 422);
  await api.deps.db.node.updateMany({ data: { status: 'ready' } });
});

test('nodes: administrators list, drain and remove; others are refused', async () => {
  const nodes = await admin('GET', '/v1/nodes');
  assert.equal(nodes.status, 200);
  assert.equal(nodes.body[0].name, 'n1');
  assert.equal(nodes.body[0].instances.length, 2);
  await admin('POST', '/v1/users', { email: 'dev@example.com', password: 'long-password-1' });
  const dev = client(api.url, await tokenFor(api.url, 'dev@example.com', 'long-password-1'));
  assert.equal((await dev('GET', '/v1/nodes')).status, 403);
  assert.equal((await dev('POST', '/v1/nodes/n1/drain')).status, 403);
  assert.equal((await admin('POST', '/v1/nodes/n1/drain')).status, 202);
  assert.equal((await admin('GET', '/v1/nodes')).body[0].status, 'draining');
  assert.equal((await admin('POST', '/v1/nodes/nope/drain')).status, 404);
  assert.equal((await admin('DELETE', '/v1/nodes/n1')).status, 204);
  assert.equal((await admin('GET', '/v1/nodes')).body.length, 0);
});
