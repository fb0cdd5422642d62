import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { scaleFormation } from '../../apps/scheduler/src/operations.ts';
import { ControlPlane } from '../cluster/harness/control-plane.ts';
import { TestNode } from '../cluster/harness/nodes.ts';
import { TEST_IMAGE, buildTestImage } from '../cluster/harness/images.ts';
import { waitFor } from '../cluster/harness/exec.ts';
import { BridgeLease } from '../support/bridge-lease.ts';

// A worker node with an empty engine gets release images from the control plane
// (GET /v1/agent/images/:ref), never from a registry or a hand-run save | load.
const node = new TestNode('n1', 1);
const cp = new ControlPlane();
const bridge = new BridgeLease();
let appId = '';

const imageUrl = (ref: string) => `${cp.url}/v1/agent/images/${encodeURIComponent(ref)}`;
const fetchImage = async (ref: string, credential?: string) => {
  const res = await request(imageUrl(ref), { headers: credential ? { authorization: `Bearer ${credential}` } : {} });
  const body = await res.body.text();
  return { status: res.statusCode, body };
};
const healthy = async (n: number, releaseId: string) => {
  const rows = await cp.db.instance.findMany({ where: { appId, releaseId, state: 'running', healthy: true } });
  return rows.length === n ? rows : null;
};

async function release(version: number, image: string): Promise<string> {
  const r = await cp.db.release.create({ data: { appId, version, image, processTypes: { web: 'node /app/server.js' }, config: cp.box.encryptJson({ VERSION: `v${version}` }), description: `v${version}` } });
  await cp.redis.publish('slipway:desired:changed', appId);
  return r.id;
}

describe('image shipping to worker nodes', { timeout: 900_000 }, () => {
  let outsider = '';

  before(async () => {
    await bridge.acquire(600_000);
    await node.create();
    await buildTestImage();
    await cp.start();
    cp.startScheduler();
    cp.startAgent(node);
    await waitFor('node ready', async () => (await cp.db.node.count({ where: { status: 'ready', lastHeartbeatAt: { not: null } } })) === 1, 30_000);
    // A second registered node that never runs anything: its credential must not read the app's image.
    const reg = await request(`${cp.url}/v1/agent/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ joinToken: cp.joinToken, name: 'outsider', address: '10.231.0.99', memoryMb: 1, cpus: 1 }) });
    outsider = ((await reg.body.json()) as { credential: string }).credential;
    await cp.db.node.update({ where: { name: 'outsider' }, data: { status: 'draining' } });
    const team = await cp.db.team.create({ data: { name: `ship-${cp.id}` } });
    appId = (await cp.db.app.create({ data: { name: 'ship-app', teamId: team.id } })).id;
  });

  after(async () => {
    // Everything below belongs to another suite unless we hold the bridge.
    if (!bridge.isHeld) return void cp.redis.disconnect();
    await cp.stop().catch((e) => console.error('control plane cleanup', e));
    await node.destroy().catch((e) => console.error('node cleanup', e));
    await bridge.release();
  });

  test('images are refused without a node credential, and to nodes with nothing of that release placed', async () => {
    assert.equal((await fetchImage(TEST_IMAGE)).status, 401);
    assert.equal((await fetchImage(TEST_IMAGE, 'node_forged')).status, 401);
    const refused = await fetchImage(TEST_IMAGE, outsider);
    assert.equal(refused.status, 404);
    assert.match(refused.body, /not found/);
  });

  test('a node without the image downloads it once and runs the release', async () => {
    await assert.rejects(node.docker.getImage(TEST_IMAGE).inspect(), 'the node starts without the image');
    const v1 = await release(1, TEST_IMAGE);
    await scaleFormation(cp.db, cp.notify, appId, [{ type: 'web', quantity: 2 }]);
    const rows = await waitFor('2 healthy v1 instances', () => healthy(2, v1), 90_000, 500);
    const got = await request(`http://${node.address}:${rows[0]!.hostPort}/`);
    assert.match(await got.body.text(), /^v1 web\.\d/);
    assert.ok(await node.docker.getImage(TEST_IMAGE).inspect());
    assert.equal((await fetchImage(TEST_IMAGE, outsider)).status, 404, 'still refused to a node that runs none of it');
  });

  test('an image the control plane lacks fails the start, is reported, and the old release keeps running', async () => {
    const v1 = (await cp.db.release.findFirstOrThrow({ where: { appId, version: 1 } })).id;
    const v2 = await release(2, 'slipway-test/never-built:1');
    await waitFor('v2 failed', async () => (await cp.db.release.findUniqueOrThrow({ where: { id: v2 } })).status === 'failed', 90_000, 500);
    assert.ok(await healthy(2, v1), 'v1 still serves');
  });
});
