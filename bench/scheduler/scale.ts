/**
 * Time from `ps:scale web=10` to all ten healthy on a real three-node test cluster
 * (network namespaces, one dockerd + agent each). Needs root. Run: node --import tsx bench/scheduler/scale.ts
 */
import { deleteHost } from '@slipway/routing';
import { scaleFormation } from '../../apps/scheduler/src/operations.ts';
import { TestCluster } from '../../test/cluster/harness/cluster.ts';
import { TEST_IMAGE } from '../../test/cluster/harness/images.ts';
import { waitFor } from '../../test/cluster/harness/exec.ts';

const cluster = new TestCluster();
const { cp } = cluster;
try {
  await cluster.start();
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
  await cluster.stop();
}
