import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { scaleFormation } from '../../apps/scheduler/src/operations.ts';
import { policy } from './harness/control-plane.ts';
import { TestCluster } from './harness/cluster.ts';
import type { TestNode } from './harness/nodes.ts';
import { TEST_IMAGE } from './harness/images.ts';
import { Traffic } from './harness/traffic.ts';
import { sleep, waitFor } from './harness/exec.ts';

// Three worker nodes in their own network namespaces, each with its own dockerd and agent.
const cluster = new TestCluster();
const { nodes, cp } = cluster;

async function createApp(name: string, healthcheck?: object): Promise<string> {
  const team = await cp.db.team.upsert({ where: { name: 'cluster' }, create: { name: 'cluster' }, update: {} });
  const app = await cp.db.app.create({ data: { name, teamId: team.id, healthcheck: healthcheck ?? undefined } });
  return app.id;
}

async function release(appId: string, version: number, env: Record<string, string>): Promise<string> {
  const r = await cp.db.release.create({
    data: { appId, version, image: TEST_IMAGE, processTypes: { web: 'node /app/server.js' }, config: cp.box.encryptJson(env), description: `v${version}` },
  });
  await cp.redis.publish('slipway:desired:changed', appId);
  return r.id;
}

const live = (appId: string) => cp.db.instance.findMany({ where: { appId, state: { notIn: ['stopped'] } }, include: { node: true } });
const allHealthy = async (appId: string, n: number, releaseId?: string) => {
  const rows = await live(appId);
  return rows.length === n && rows.every((r) => r.state === 'running' && r.healthy && (releaseId === undefined || r.releaseId === releaseId)) ? rows : null;
};
const perNode = (rows: { node: { name: string } | null }[]) =>
  rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.node!.name]: (m[r.node!.name] ?? 0) + 1 }), {});
const managedContainers = async (node: TestNode) => node.docker.listContainers({ all: true, filters: { label: ['io.slipway.managed=1'] } });

describe('three-node cluster', { timeout: 420_000 }, () => {
  let web = '';
  let v2 = '';

  before(() => cluster.start());
  after(() => cluster.stop());

  test('a node with a bad credential or join token is refused and changes nothing', async () => {
    const before = await cp.db.node.findMany({ orderBy: { name: 'asc' } });
    const hb = await request(`${cp.url}/v1/agent/heartbeat`, { method: 'POST', headers: { authorization: 'Bearer node_forged', 'content-type': 'application/json' }, body: JSON.stringify({ memoryMb: 1, cpus: 1, containers: [] }) });
    assert.equal(hb.statusCode, 401);
    assert.match(await hb.body.text(), /Unknown or revoked node credential/);
    const reg = await request(`${cp.url}/v1/agent/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ joinToken: 'x'.repeat(32), name: 'n1', address: '10.231.0.99', memoryMb: 1, cpus: 1 }) });
    assert.equal(reg.statusCode, 401);
    await reg.body.text();
    const bad = await request(`${cp.url}/v1/agent/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ joinToken: cp.joinToken, name: 'Bad Name!', address: 'nope', memoryMb: -1, cpus: 1 }) });
    assert.equal(bad.statusCode, 422);
    await bad.body.text();
    const afterRows = await cp.db.node.findMany({ orderBy: { name: 'asc' } });
    assert.deepEqual(afterRows.map((n) => [n.name, n.address, n.credentialHash]), before.map((n) => [n.name, n.address, n.credentialHash]));
  });

  test('scale to 6 spreads 2/2/2 and all become healthy', async () => {
    web = await createApp('web-app');
    await release(web, 1, { VERSION: 'v1' });
    const t0 = Date.now();
    await scaleFormation(cp.db, cp.notify, web, [{ type: 'web', quantity: 6 }]);
    const rows = await waitFor('6 healthy instances', () => allHealthy(web, 6), 60_000);
    console.log(`# scale web=6 from zero to all healthy: ${Date.now() - t0} ms`);
    assert.deepEqual(perNode(rows), { n1: 2, n2: 2, n3: 2 });
    const traffic = new Traffic(cp.redis, cp.routeKeys, `web-app.${cp.appsDomain}`);
    await waitFor('6 routed backends', async () => ((await cp.redis.hget(cp.routeKeys.hash, `web-app.${cp.appsDomain}`)) ?? '').split('"active"').length === 7, 10_000);
    assert.match(await traffic.once(), /^v1 web\.\d/);
  });

  test('bad scale input is refused and the formation is unchanged', async () => {
    for (const bad of [-1, 10_000, 1.5].map((quantity) => [{ type: 'web', quantity }]).concat([[{ type: 'worker', quantity: 1 }], [{ type: 'Bad Type', quantity: 1 }]])) {
      await assert.rejects(scaleFormation(cp.db, cp.notify, web, bad), (e: Error & { code?: string }) => ['validation_failed', 'unprocessable'].includes(e.code ?? ''));
    }
    assert.equal((await cp.db.formation.findFirstOrThrow({ where: { appId: web, type: 'web' } })).quantity, 6);
  });

  test('rolling deploy of v2 under a stream of requests: no failures, only v2 at the end', async () => {
    const traffic = new Traffic(cp.redis, cp.routeKeys, `web-app.${cp.appsDomain}`);
    let done = false;
    const load = traffic.stream(() => done, 5_000);
    v2 = await release(web, 2, { VERSION: 'v2' });
    await waitFor('v2 rolled out', async () => (await cp.db.release.findUniqueOrThrow({ where: { id: v2 } })).status === 'succeeded' && (await allHealthy(web, 6, v2)), 120_000, 500);
    await sleep(policy.drainMs + 1_000);
    done = true;
    await load;
    assert.deepEqual(traffic.failed, []);
    assert.ok((traffic.bodies.get('v1') ?? 0) > 0 && (traffic.bodies.get('v2') ?? 0) > 0, `served ${JSON.stringify([...traffic.bodies])}`);
    const containers = (await Promise.all(nodes.map(managedContainers))).flat();
    assert.equal(containers.length, 6, 'old containers are removed');
    assert.ok(await traffic.once().then((b) => b.startsWith('v2')));
  });

  test('a v3 whose health check fails is marked failed and v2 keeps serving', async () => {
    await cp.db.app.update({ where: { id: web }, data: { healthcheck: { web: [{ type: 'startup', path: '/health', attempts: 3, wait: 0.5, timeout: 1 }] } } });
    const v3 = await release(web, 3, { VERSION: 'v3', BROKEN: '1' });
    const failed = await waitFor('v3 failed', async () => {
      const r = await cp.db.release.findUniqueOrThrow({ where: { id: v3 } });
      return r.status === 'failed' ? r : null;
    }, 60_000);
    assert.match(failed.failure ?? '', /health check/);
    await waitFor('only v2 instances', () => allHealthy(web, 6, v2), 30_000);
    assert.match(await new Traffic(cp.redis, cp.routeKeys, `web-app.${cp.appsDomain}`).once(), /^v2/);
  });

  test('an agent restart adopts its containers: no duplicates, no restarts', async () => {
    // The failed v3's containers leave the node a moment after its rows: count only once they are gone.
    const running = () => cp.db.instance.count({ where: { node: { name: nodes[0]!.name }, state: { in: ['running', 'starting', 'draining'] } } });
    await waitFor('the node to hold only the instances it runs', async () => (await managedContainers(nodes[0]!)).length === (await running()), 15_000);
    const beforeIds = (await managedContainers(nodes[0]!)).map((c) => c.Id).sort();
    await cp.stopAgent(nodes[0]!);
    cp.startAgent(nodes[0]!);
    await sleep(4_000);
    assert.deepEqual((await managedContainers(nodes[0]!)).map((c) => c.Id).sort(), beforeIds);
    const rows = await waitFor('still 6 healthy', () => allHealthy(web, 6, v2), 10_000);
    assert.ok(rows.every((r) => r.restarts === 0));
  });

  test('killing a node re-places its instances within 15 s; the app keeps answering; on its return it takes its share back, no duplicates', async () => {
    const traffic = new Traffic(cp.redis, cp.routeKeys, `web-app.${cp.appsDomain}`);
    const lost = new Set((await managedContainers(nodes[2]!)).map((c) => c.Id));
    let done = false;
    const load = traffic.stream(() => done, 5_000, 50);
    await sleep(500);
    const killedAt = Date.now();
    await nodes[2]!.kill();
    const rows = await waitFor('6 healthy on n1/n2', async () => {
      const r = await allHealthy(web, 6);
      return r && r.every((i) => i.node!.name !== 'n3') ? r : null;
    }, 15_000, 200);
    const took = Date.now() - killedAt;
    console.log(`# node killed → instances re-placed and healthy: ${took} ms`);
    assert.ok(took <= 15_000);
    assert.deepEqual(perNode(rows), { n1: 3, n2: 3 });
    await sleep(1_500);
    done = true;
    await load;
    assert.deepEqual(traffic.failed, []);

    await nodes[2]!.startEngine();
    cp.startAgent(nodes[2]!);
    await waitFor('n3 ready again', async () => (await cp.db.node.findUniqueOrThrow({ where: { name: 'n3' } })).status === 'ready', 30_000);
    await waitFor('n3 stale containers removed', async () => (await managedContainers(nodes[2]!)).every((c) => !lost.has(c.Id)), 30_000);
    const back = await waitFor('spread 2/2/2 again', async () => {
      const r = await allHealthy(web, 6, v2);
      return r && perNode(r).n3 === 2 ? r : null;
    }, 60_000, 500);
    assert.deepEqual(perNode(back), { n1: 2, n2: 2, n3: 2 });
    await waitFor('one container per instance', async () => (await Promise.all(nodes.map(managedContainers))).flat().length === 6, 30_000);
  });

  test('a crash loop ends crashed after its back-off, without a restart storm', async () => {
    const crash = await createApp('crash-app');
    const v1 = await release(crash, 1, { CRASH: '1' });
    // A release that serves and then crash-loops; a first deploy that crashes fails instead (test/apps/release-phase.test.ts).
    await cp.db.release.update({ where: { id: v1 }, data: { status: 'succeeded' } });
    await cp.db.formation.create({ data: { appId: crash, type: 'web', quantity: 1 } });
    await cp.redis.publish('slipway:desired:changed', crash);
    const row = await waitFor('crashed for good', async () => {
      const [i] = await live(crash);
      return i && i.state === 'crashed' && i.restarts === policy.maxRestarts ? i : null;
    }, 60_000);
    assert.equal(row.lastExitCode, 3);
    await sleep(3_000);
    const again = await cp.db.instance.findUniqueOrThrow({ where: { id: row.id } });
    assert.equal(again.restarts, policy.maxRestarts);
    assert.equal(again.state, 'crashed');
  });

  test('two schedulers: only one acts; when it stops, the other takes over', async () => {
    const second = cp.startScheduler();
    await sleep(2_500);
    const [first] = cp.schedulers;
    assert.equal([first!, second].filter((s) => s.isLeader).length, 1);
    const leader = first!.isLeader ? first! : second;
    const standby = leader === first ? second : first!;
    await leader.stop();
    await scaleFormation(cp.db, cp.notify, web, [{ type: 'web', quantity: 4 }]);
    await waitFor('standby leads and scales down', async () => standby.isLeader && (await allHealthy(web, 4)), 20_000);
  });
});
