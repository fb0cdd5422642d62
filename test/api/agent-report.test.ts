import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { recentLogsKey } from '@slipway/scheduler/channels';
import { memorySeriesKey } from '../../apps/api/src/agents/memory-series.ts';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// A node agent reports an instance OOM-killed: the API records why it crashed, `ps`
// shows it, and the app's log gets Heroku's R15 line from the platform, once.
// Real API, Postgres and Redis; the heartbeat is the agent's own message.
const joinToken = randomBytes(16).toString('hex');
let api: TestApi;
let admin: ReturnType<typeof client>;
let agent: ReturnType<typeof client>;
let appId: string;
let instanceId: string;

before(async () => {
  api = await startApi({ SLIPWAY_INTERNAL_SECRET: randomBytes(32).toString('hex'), SLIPWAY_JOIN_TOKEN: joinToken });
  admin = client(api.url, await tokenFor(api.url, api.admin.email, api.admin.password));
  appId = (await admin('POST', '/v1/apps', { name: 'greedy' })).body.id;
  const reg = await client(api.url)('POST', '/v1/agent/register', { joinToken, name: 'n-oom', address: '10.9.9.8', memoryMb: 2048, cpus: 1 });
  agent = client(api.url, reg.body.credential);
  const db = api.deps.db;
  const release = await db.release.create({ data: { appId, version: 1, image: 'greedy:v1', config: '', description: 'Deploy', status: 'succeeded', processTypes: { web: 'node server.js' } } });
  await db.formation.create({ data: { appId, type: 'web', quantity: 1, size: 'basic', memoryMb: 256, cpuShares: 512 } });
  instanceId = (await db.instance.create({ data: { appId, releaseId: release.id, type: 'web', name: 'web.1', nodeId: reg.body.nodeId, state: 'running', healthy: true, startedAt: new Date() } })).id;
});
after(async () => {
  await api.deps.redis.del(recentLogsKey(appId), memorySeriesKey(appId));
  await api.stop();
});

const heartbeat = (container: Record<string, unknown>) => agent('POST', '/v1/agent/heartbeat', {
  memoryMb: 2048, cpus: 1,
  containers: [{ instanceId, generation: 0, containerId: 'c1', hostPort: 31000, status: 'running', health: 'healthy', exitCode: null, startedAt: new Date().toISOString(), ...container }],
});

test('an agent without oomKilled in its reports is still understood; a bad value is refused', async () => {
  assert.equal((await heartbeat({})).status, 200);
  assert.equal((await heartbeat({ oomKilled: 'yes' })).status, 422);
});

test('memory use from a heartbeat is stored without moving updatedAt, shown by ps with the limit, and kept when a report has none', async () => {
  const before = await api.deps.db.instance.findUniqueOrThrow({ where: { id: instanceId } });
  assert.equal((await heartbeat({ memoryUsedMb: 83 })).status, 200);
  const row = await api.deps.db.instance.findUniqueOrThrow({ where: { id: instanceId } });
  assert.equal(row.memoryUsedMb, 83);
  assert.equal(row.updatedAt.getTime(), before.updatedAt.getTime(), 'updatedAt times drains and back-off');
  assert.equal((await heartbeat({})).status, 200, 'not sampled again yet');
  const ps = (await admin('GET', '/v1/apps/greedy/instances')).body as { name: string; memoryUsedMb: number | null; memoryLimitMb: number }[];
  assert.deepEqual(ps.map((i) => [i.name, i.memoryUsedMb, i.memoryLimitMb]), [['web.1', 83, 256]]);
  const metrics = (await admin('GET', '/v1/apps/greedy/metrics')).body as { instances: { name: string; memoryUsedMb: number | null; memoryLimitMb: number }[] };
  assert.deepEqual(metrics.instances.map((i) => [i.name, i.memoryUsedMb, i.memoryLimitMb]), [['web.1', 83, 256]]);
  assert.equal((await heartbeat({ memoryUsedMb: -1 })).status, 422);
  // The Metrics tab's series: one point for this node in this step, however many heartbeats came.
  const points = (await api.deps.redis.lrange(memorySeriesKey(appId), 0, -1)).map((p) => JSON.parse(p) as { usedMb: number });
  assert.deepEqual(points.map((p) => p.usedMb), [83]);
});

test('an OOM kill is recorded with its limit, shown by ps, and written to the app log as R15 once', async () => {
  const oom = { status: 'exited', exitCode: 137, oomKilled: true };
  assert.equal((await heartbeat(oom)).status, 200);
  assert.equal((await heartbeat(oom)).status, 200, 'the agent repeats the exit until the container goes');

  const row = await api.deps.db.instance.findUniqueOrThrow({ where: { id: instanceId } });
  assert.deepEqual([row.state, row.lastExitCode, row.lastError, row.memoryUsedMb], ['crashed', 137, 'out of memory (limit 256 MB)', null]);
  const ps = (await admin('GET', '/v1/apps/greedy/instances')).body as { name: string; state: string; lastExitCode: number; lastError: string }[];
  assert.deepEqual(ps.map((i) => [i.name, i.state, i.lastExitCode, i.lastError]), [['web.1', 'crashed', 137, 'out of memory (limit 256 MB)']]);

  const logs = await fetch(`${api.url}/v1/apps/greedy/logs`, { headers: { authorization: `Bearer ${await tokenFor(api.url, api.admin.email, api.admin.password)}` } });
  const lines = (await logs.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { dyno: string; line: string; source?: string });
  assert.deepEqual(lines.map((l) => [l.dyno, l.source, l.line]), [
    ['web.1', 'platform', 'Error R15 (Memory quota vastly exceeded): out of memory (limit 256 MB), process killed'],
  ]);
});
