/**
 * Time from `ps:scale web=10` to all ten healthy on a real three-node test cluster
 * (network namespaces, one dockerd + agent each). Needs root. Run: node --import tsx bench/scheduler/scale.ts
 */
import { deleteHost } from '@slipway/routing';
import { scaleFormation } from '../../apps/scheduler/src/operations.ts';
import { ControlPlane } from '../../test/cluster/harness/control-plane.ts';
import { TestNode } from '../../test/cluster/harness/nodes.ts';
import { BridgeLease } from '../../test/support/bridge-lease.ts';
import { TEST_IMAGE, buildTestImage, shipImage } from '../../test/cluster/harness/images.ts';
import { waitFor } from '../../test/cluster/harness/exec.ts';

const nodes = [new TestNode('n1', 1), new TestNode('n2', 2), new TestNode('n3', 3)];
const cp = new ControlPlane();
const bridge = new BridgeLease();
try {
  await bridge.acquire(300_000);
  await Promise.all(nodes.map((n) => n.create()));
  await buildTestImage();
  await Promise.all(nodes.map((n) => shipImage(n)));
  await cp.start();
  cp.startScheduler();
  for (const n of nodes) cp.startAgent(n);
  await waitFor('three ready nodes', async () => (await cp.db.node.count({ where: { status: 'ready' } })) === 3, 30_000);
  const team = await cp.db.team.create({ data: { name: 'bench' } });
  const app = await cp.db.app.create({ data: { name: 'bench-app', teamId: team.id } });
  await cp.db.release.create({ data: { appId: app.id, version: 1, image: TEST_IMAGE, processTypes: { web: 'node /app/server.js' }, config: cp.box.encryptJson({ VERSION: 'v1' }), description: 'v1' } });
  for (const [from, to] of [[0, 10], [10, 20]] as const) {
    const t0 = Date.now();
    await scaleFormation(cp.db, cp.notify, app.id, [{ type: 'web', quantity: to }]);
    await waitFor(`${to} healthy`, async () => (await cp.db.instance.count({ where: { appId: app.id, state: 'running', healthy: true } })) === to, 120_000, 100);
    console.log(`ps:scale web=${to} (from ${from}) → all healthy: ${Date.now() - t0} ms`);
  }
  await deleteHost(cp.redis, `bench-app.${cp.appsDomain}`);
} finally {
  await cp.stop().catch((e) => console.error(e));
  if (bridge.isHeld) {
    await Promise.all(nodes.map((n) => n.destroy().catch((e) => console.error(e))));
    await bridge.release();
  }
}
