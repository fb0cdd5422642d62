import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { createLogger } from '@slipway/core';
import { getHostRoutes, setHostRoutes, defaultRouteKeys } from '@slipway/routing';
import { plan } from '../../apps/agent/src/converge.ts';
import { ControlPlane } from '../../apps/agent/src/client.ts';
import { ImageGc, releaseImages } from '../../apps/agent/src/image-gc.ts';
import { syncCatalog } from '../../packages/addons/src/catalog.ts';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// Destroying an app removes what it owns everywhere: routes (default and custom
// hosts; another app's prefix on the same host stays), add-ons it owns, queued
// builds, its git repository, and — through the agents' rule that unassigned
// containers go — its containers, also on a node that was away and reports later; its release images
// leave the control plane's engine at once, and the nodes' engines through the agents'
// image collection. A repeat or an unknown app answers 404 and changes nothing.
// Real API, Redis, git, BullMQ and Docker engine.
const run = promisify(execFile);
const secret = randomBytes(32).toString('hex');
const joinToken = randomBytes(16).toString('hex');
let api: TestApi;
let call: ReturnType<typeof client>;
const suffix = randomBytes(3).toString('hex');
const app = `doomed-${suffix}`;
const host = `${app}.slipway.localhost`;
const custom = `www.${app}.example`;

before(async () => {
  api = await startApi({ SLIPWAY_INTERNAL_SECRET: secret, SLIPWAY_JOIN_TOKEN: joinToken });
  call = client(api.url, await tokenFor(api.url, api.admin.email, api.admin.password));
});
const docker = new Docker();
const imaged = `imaged-${suffix}`;
const neighbour = `kept-${suffix}`;
const stackRef = `slipway-test-${suffix}/stack:20`;
/** Build ids of this test's images: the engine is shared with other runs, whose builds this API does not know. */
const ourBuilds = new Set<string>();
const ourImages = async () => (await releaseImages(docker)).filter((i) => ourBuilds.has(i.build));
after(async () => {
  for (const h of [host, custom]) await api.deps.redis.hdel(defaultRouteKeys.hash, h);
  await api?.stop();
  for (const ref of [...(await ourImages()).map((i) => i.id), stackRef]) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
});

/** A one-file image as the builder labels its output (nothing to pull here: imported from a tar). */
async function image(ref: string, labels: Record<string, string>): Promise<string> {
  const tar = pack();
  tar.entry({ name: 'hello' }, 'hi\n');
  tar.finalize();
  const [repo, tag] = ref.split(':') as [string, string];
  const changes = [...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${v}`), 'CMD ["/hello"]'];
  const progress = await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo, tag, changes });
  await new Promise((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve(null))));
  return (await docker.getImage(ref).inspect()).Id;
}
const present = (id: string) => docker.getImage(id).inspect().then(() => true, () => false);

test('destroying an app removes its routes, add-ons, queued builds, repository and containers; repeats are harmless', async () => {
  const created = (await call('POST', '/v1/apps', { name: app })).body as { id: string; gitUrl: string };
  await call('POST', `/v1/apps/${app}/domains`, { hostname: custom });
  const db = api.deps.db;

  // Its repository, through a real push.
  const work = mkdtempSync(join(tmpdir(), 'doomed-'));
  writeFileSync(join(work, 'README'), 'x\n');
  const env = { ...process.env, HOME: work };
  await run('git', ['init', '-q', '-b', 'feature', work], { env });
  await run('git', ['add', '.'], { cwd: work, env });
  await run('git', ['-c', 'user.email=d@d', '-c', 'user.name=d', 'commit', '-qm', 'x'], { cwd: work, env });
  const url = new URL(`/${app}.git`, api.url);
  [url.username, url.password] = ['x', await tokenFor(api.url, api.admin.email, api.admin.password)];
  await run('git', ['push', '-q', url.href, 'HEAD:refs/heads/feature'], { cwd: work, env });
  rmSync(work, { recursive: true, force: true });
  const repo = join(api.deps.config.SLIPWAY_REPOS_DIR, `${app}.git`);
  assert.ok(existsSync(repo));

  // Routes as the scheduler publishes them, plus another app's prefix on a shared host.
  const backend = (a: string) => ({ app: a, backends: [{ id: `${a}-1`, url: 'http://127.0.0.1:9' }] });
  await setHostRoutes(api.deps.redis, host, [backend(app)], defaultRouteKeys, secret);
  await setHostRoutes(api.deps.redis, custom, [backend(app), { ...backend('neighbour'), pathPrefix: '/b' }], defaultRouteKeys, secret);

  // A queued build, an owned add-on, and an instance on a node.
  const build = await db.build.create({ data: { appId: created.id, commitSha: 'b'.repeat(40) } });
  await api.deps.buildQueue.add('build', { buildId: build.id }, { jobId: build.id, delay: 3_600_000 });
  await syncCatalog(db);
  const plan0 = await db.addonPlan.findFirstOrThrow({ where: { service: 'postgres' } });
  const addon = await db.addon.create({ data: { name: `${app}-db`, planId: plan0.id, teamId: (await db.app.findUniqueOrThrow({ where: { id: created.id } })).teamId, ownerAppId: created.id, state: 'available', attachments: { create: { appId: created.id, alias: 'DATABASE' } } } });
  const reg = await client(api.url)('POST', '/v1/agent/register', { joinToken, name: `n-${suffix}`, address: '10.9.9.9', memoryMb: 1024, cpus: 1 });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const node = reg.body as { nodeId: string; credential: string };
  const release = await db.release.create({ data: { appId: created.id, version: 1, image: 'img', description: 'x', config: '' } });
  const inst = await db.instance.create({ data: { appId: created.id, releaseId: release.id, type: 'web', name: 'web.1', nodeId: node.nodeId, state: 'running' } });

  const eventsBefore = await db.event.count();
  assert.equal((await call('DELETE', `/v1/apps/${app}`)).status, 204);

  assert.equal(await db.app.count({ where: { id: created.id } }), 0);
  assert.equal(await db.domain.count({ where: { hostname: custom } }), 0);
  assert.equal(await getHostRoutes(api.deps.redis, host, defaultRouteKeys, secret), undefined);
  assert.deepEqual((await getHostRoutes(api.deps.redis, custom, defaultRouteKeys, secret))?.map((r) => r.app), ['neighbour']);
  assert.notEqual((await db.addon.findUniqueOrThrow({ where: { id: addon.id } })).state, 'available');
  assert.equal(await api.deps.buildQueue.getJob(build.id), undefined);
  assert.equal(existsSync(repo), false);
  const event = await db.event.findFirstOrThrow({ where: { action: 'app.destroy', target: app } });
  assert.ok(event.sourceIp && event.actorId);

  // The node was away: when it reports its old container, it is told nothing of the app, and its converge removes it.
  const hb = await client(api.url, node.credential)('POST', '/v1/agent/heartbeat', {
    memoryMb: 1024, cpus: 1,
    containers: [{ instanceId: inst.id, generation: 0, containerId: 'c1', hostPort: 31000, status: 'running', health: 'healthy', exitCode: null, startedAt: new Date().toISOString() }],
  });
  assert.equal(hb.status, 200, JSON.stringify(hb.body));
  const assigned = (hb.body as { instances: Parameters<typeof plan>[0] }).instances;
  assert.deepEqual(plan(assigned, [{ containerId: 'c1', instanceId: inst.id, generation: 0, running: true, created: false, oneOff: false, stopTimeoutSec: 5 }]).remove.map((m) => m.containerId), ['c1']);

  // Repeats and unknown apps: 404, nothing changes.
  const apps = await db.app.count();
  assert.equal((await call('DELETE', `/v1/apps/${app}`)).status, 404);
  assert.equal((await call('DELETE', '/v1/apps/never-existed')).status, 404);
  assert.equal(await db.app.count(), apps);
  assert.equal(await db.event.count(), eventsBefore + 1);
  assert.deepEqual((await getHostRoutes(api.deps.redis, custom, defaultRouteKeys, secret))?.map((r) => r.app), ['neighbour']);
});

test('destroying an app removes its release images from the control plane engine before it returns; a node\'s agent removes its copies, except one a container uses', async () => {
  const ids: Record<string, string> = {};
  for (const name of [imaged, neighbour]) ids[name] = ((await call('POST', '/v1/apps', { name })).body as { id: string }).id;
  const build = async (app: string) => {
    const { id } = await api.deps.db.build.create({ data: { appId: ids[app]!, commitSha: 'd'.repeat(40), status: 'succeeded' } });
    ourBuilds.add(id);
    return id;
  };
  const [b1, b0, theirBuild] = [await build(imaged), await build(imaged), await build(neighbour)];
  const labels = (app: string, b: string) => ({ 'slipway.app': app, 'slipway.build': b });
  // As the builder leaves them: build tags, a release tag on the same image, the neighbour's, a stack image.
  const built = await image(`${imaged}:build-1`, labels(imaged, b1));
  await docker.getImage(built).tag({ repo: imaged, tag: 'v2' });
  const older = await image(`${imaged}:build-0`, labels(imaged, b0));
  const theirs = await image(`${neighbour}:build-1`, labels(neighbour, theirBuild));
  const stack = await image(stackRef, { 'slipway.stack': 'test' });
  // An image the app built FROM another of its own (Docker keeps a parent while a child exists), and a
  // container made from one on this engine (a one-machine install's node): neither keeps an image past the destroy.
  const onOlder = await docker.createContainer({ Image: older });
  const child = ((await onOlder.commit({ repo: imaged, tag: 'build-2' })) as { Id: string }).Id;
  await onOlder.remove();
  const user = await docker.createContainer({ Image: built });
  // A rename changes nothing for images labelled with the old name.
  assert.equal((await call('PATCH', `/v1/apps/${neighbour}`, { name: `${neighbour}-b` })).status, 200);

  assert.equal((await call('DELETE', `/v1/apps/${imaged}`)).status, 204);
  assert.deepEqual(await Promise.all([built, older, child, theirs, stack].map(present)), [false, false, false, true, true]);
  assert.equal(await user.inspect().then(() => true, () => false), false);
  const event = await api.deps.db.event.findFirstOrThrow({ where: { action: 'app.destroy', target: imaged } });
  assert.equal((event.data as { images: number }).images, 3);

  // A node that was down during the delete comes back with copies; one is still under a stopped container.
  const reg = await client(api.url)('POST', '/v1/agent/register', { joinToken, name: `gc-${suffix}`, address: '10.9.9.8', memoryMb: 1024, cpus: 1 });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const gc = new ImageGc(docker, new ControlPlane(api.url, (reg.body as { credential: string }).credential), createLogger('agent', 'silent'), 60_000);
  const copy = await image(`${imaged}:build-1`, labels(imaged, b1));
  const held = await image(`${imaged}:build-0`, labels(imaged, b0));
  const container = await docker.createContainer({ Image: held });
  assert.deepEqual(await gc.collect(await ourImages()), [copy]);
  assert.deepEqual(await Promise.all([copy, held, theirs].map(present)), [false, true, true]);
  await container.remove();
  assert.deepEqual(await gc.collect(await ourImages()), [held]);
  assert.deepEqual(await gc.collect(await ourImages()), [], 'a repeat has nothing left to do');
  assert.equal(await present(theirs), true);

  // Only a node may ask which builds are gone.
  assert.equal((await client(api.url)('POST', '/v1/agent/gone-builds', { builds: [theirBuild] })).status, 401);
});
