import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';
import { kindOf } from '@slipway/app-json';
import { assignmentsFor } from '../../apps/api/src/agents/assignments.ts';
import { releaseApp } from '../../apps/api/src/services/addon-releases.ts';

// Health checks travel with the release whose code declared them (app.json): what an agent is
// told for an instance depends on that instance's release, not on whatever was pushed last.
let api: TestApi;
let admin: ReturnType<typeof client>;
let appId: string;
let nodeId: string;

// As the builder stores them: validated by app.json's schema, defaults filled in.
const checks = (path: string) => ({ web: [{ type: 'startup', name: 'web-startup-1', path, scheme: 'http', attempts: 2, timeout: 5, wait: 5, initialDelay: 0, warn: false }] });
const pathsOnNode = async () => {
  const specs = await assignmentsFor(api.deps.db, api.deps.box, nodeId);
  return Object.fromEntries(specs.map((s) => [s.name, s.healthchecks.map((c) => c.path ?? kindOf(c)).join(',')]));
};
const release = (version: number) => api.deps.db.release.findUniqueOrThrow({ where: { appId_version: { appId, version } } });

before(async () => {
  api = await startApi();
  admin = client(api.url, await tokenFor(api.url, api.admin.email, api.admin.password));
  appId = (await admin('POST', '/v1/apps', { name: 'checked' })).body.id;
  nodeId = (await api.deps.db.node.create({ data: { name: 'n1', address: '10.0.0.1', credentialHash: 'x', memoryMb: 4096, cpus: 2, lastHeartbeatAt: new Date() } })).id;
});
after(async () => {
  await api.stop();
});

/** A release as the builder makes it: an image with its commit's app.json checks. */
async function deploy(version: number, healthcheck: object, status: 'succeeded' | 'failed') {
  const config = api.deps.box.encryptJson({});
  return api.deps.db.release.create({ data: { appId, version, image: `checked:v${version}`, processTypes: { web: 'node server.js' }, healthcheck, config, description: 'Deploy', status } });
}

test('an instance is checked with its own release’s checks, not those of a later failed release; derived releases keep the code and checks they derive from, never a failed one', async () => {
  const { db } = api.deps;
  const v1 = await deploy(1, checks('/v1-health'), 'succeeded');
  await db.instance.create({ data: { appId, releaseId: v1.id, type: 'web', name: 'web.1', nodeId, state: 'running', healthy: true } });

  // A config change is a release of the same code: it keeps v1's checks.
  const set = await admin('PATCH', '/v1/apps/checked/config-vars', { GREETING: 'hi' });
  assert.equal(set.body.release.version, 2);
  assert.deepEqual((await release(2)).healthcheck, checks('/v1-health'));
  await db.instance.create({ data: { appId, releaseId: (await release(2)).id, type: 'web', name: 'web.2', nodeId, state: 'running', healthy: true } });
  // So is an add-on attach or detach.
  assert.equal(await releaseApp(api.deps, appId, 'Attach redis-test'), 3);
  assert.deepEqual((await release(3)).healthcheck, checks('/v1-health'));

  // A push whose app.json check its code cannot pass: the rollout fails, and the instance it
  // started (still starting when it was stopped) is the only one checked with it.
  const v4 = await deploy(4, checks('/nope'), 'failed');
  await db.instance.create({ data: { appId, releaseId: v4.id, type: 'web', name: 'web.3', nodeId, state: 'starting' } });
  assert.deepEqual(await pathsOnNode(), { 'web.1': '/v1-health', 'web.2': '/v1-health', 'web.3': '/nope' });
  assert.equal((await db.app.findUniqueOrThrow({ where: { id: appId } })).healthcheck, null);

  // A config change after the failed push is a release of the code that serves, not of the failed one.
  assert.equal((await admin('PATCH', '/v1/apps/checked/config-vars', { GREETING: 'hello' })).body.release.version, 5);
  const v5 = await release(5);
  assert.deepEqual([v5.image, v5.healthcheck], ['checked:v1', checks('/v1-health')]);

  // A rollback runs its target's code, with its target's checks.
  await deploy(6, checks('/v6-health'), 'succeeded');
  const rollback = await admin('POST', '/v1/apps/checked/rollbacks', { version: 1 });
  assert.equal(rollback.status, 201);
  const v7 = await release(7);
  assert.equal(v7.image, 'checked:v1');
  assert.deepEqual(v7.healthcheck, checks('/v1-health'));
});

test('the app’s setting saved through the API overrides app.json per process type; a release without checks gets the defaults', async () => {
  const { db } = api.deps;
  const plain = await db.release.create({ data: { appId, version: 8, image: 'checked:v8', processTypes: { web: 'node server.js', worker: 'node worker.js' }, config: api.deps.box.encryptJson({}), description: 'Deploy', status: 'succeeded' } });
  await db.instance.create({ data: { appId, releaseId: plain.id, type: 'web', name: 'web.4', nodeId, state: 'running' } });
  await db.instance.create({ data: { appId, releaseId: plain.id, type: 'worker', name: 'worker.1', nodeId, state: 'running' } });
  assert.deepEqual(await pathsOnNode(), { 'web.1': '/v1-health', 'web.2': '/v1-health', 'web.3': '/nope', 'web.4': 'listening', 'worker.1': 'uptime' });

  // A setting for workers only leaves web to each release's app.json.
  assert.equal((await admin('PATCH', '/v1/apps/checked', { healthcheck: { worker: [{ uptime: 3 }] } })).status, 200);
  assert.deepEqual(await pathsOnNode(), { 'web.1': '/v1-health', 'web.2': '/v1-health', 'web.3': '/nope', 'web.4': 'listening', 'worker.1': 'uptime' });
  assert.equal((await assignmentsFor(db, api.deps.box, nodeId)).find((s) => s.name === 'worker.1')?.healthchecks[0]?.uptime, 3);

  // A web setting wins over every release's app.json.
  assert.equal((await admin('PATCH', '/v1/apps/checked', { healthcheck: checks('/operator') })).status, 200);
  assert.deepEqual(await pathsOnNode(), { 'web.1': '/operator', 'web.2': '/operator', 'web.3': '/operator', 'web.4': '/operator', 'worker.1': 'uptime' });

  // Cleared: back to each release's own checks.
  assert.equal((await admin('PATCH', '/v1/apps/checked', { healthcheck: null })).status, 200);
  assert.deepEqual(await pathsOnNode(), { 'web.1': '/v1-health', 'web.2': '/v1-health', 'web.3': '/nope', 'web.4': 'listening', 'worker.1': 'uptime' });
});
