import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { Engine } from '../../apps/agent/src/docker/engine.ts';
import { AppNetworks, appBridgeName, appNetworkName } from '../../apps/agent/src/docker/app-network.ts';
import type { InstanceSpec } from '../../apps/agent/src/protocol.ts';

// The agent's per-app networks on the real Docker engine: made once however many starts race
// (in one agent or two), every container of the app on it, removed after the app's last container.
const docker = new Docker();
const engine = new Engine('/var/run/docker.sock', '127.0.0.1');
const apps: string[] = [];

const newApp = (): string => {
  const id = randomUUID();
  apps.push(id);
  return id;
};
const spec = (appId: string, oneOff = false): InstanceSpec => ({
  instanceId: randomUUID(), appId, appName: `net-${appId.slice(0, 8)}`, type: oneOff ? 'run' : 'web', name: oneOff ? 'run.1' : 'web.1', generation: 0,
  image: 'slipway/stack-node:20', command: 'sleep 60', env: {}, memoryMb: 64, cpuShares: 64, stopTimeoutSec: 0,
  healthcheck: { type: 'tcp' } as InstanceSpec['healthcheck'], oneOff,
});
const networksOf = async (appId: string) => docker.listNetworks({ filters: { name: [appNetworkName(appId)] } });
const containersOf = async (appId: string) => docker.listContainers({ all: true, filters: { network: [appNetworkName(appId)] } });
const removeAll = async (appId: string) => {
  for (const c of await containersOf(appId)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
};

after(async () => {
  for (const appId of apps) {
    await removeAll(appId);
    for (const n of await networksOf(appId)) await docker.getNetwork(n.Id).remove().catch(() => {});
  }
});

test('concurrent starts of one app make one network, and every instance and one-off joins it', async () => {
  const appId = newApp();
  const ids = await Promise.all([spec(appId), spec(appId), spec(appId), spec(appId, true)].map((s) => engine.start(s)));
  const nets = await networksOf(appId);
  assert.equal(nets.length, 1);
  assert.equal(nets[0]!.Options?.['com.docker.network.bridge.name'], appBridgeName(appId));
  assert.equal(nets[0]!.Options?.['com.docker.network.bridge.enable_icc'], 'false', "an app's own containers do not reach each other");
  for (const id of ids) {
    const info = await engine.inspect(id);
    assert.deepEqual(Object.keys(info.NetworkSettings.Networks), [appNetworkName(appId)], 'only on the app network, never the default bridge');
  }
});

test('two agents racing on one engine still make one network (Docker refuses a second bridge of the same name)', async () => {
  const appId = newApp();
  const agents = [new AppNetworks(docker), new AppNetworks(docker), new AppNetworks(docker)];
  await Promise.all(agents.map((a) => a.using(appId, 'race', async () => undefined)));
  assert.equal((await networksOf(appId)).length, 1);
});

test('apps whose networks are made at once (even by racing agents) get subnets of their own from the pool', async () => {
  const pool = { pool: '10.213.0.0/22', prefix: 26 };
  const ids = [newApp(), newApp(), newApp(), newApp()];
  const agents = [new AppNetworks(docker, pool), new AppNetworks(docker, pool)];
  await Promise.all(ids.flatMap((id) => agents.map((a) => a.using(id, 'pool', async () => undefined))));
  const subnets = (await Promise.all(ids.map(networksOf))).map((n) => {
    assert.equal(n.length, 1);
    return n[0]!.IPAM?.Config?.[0]?.Subnet ?? '';
  });
  assert.equal(new Set(subnets).size, 4, subnets.join(' '));
  for (const s of subnets) assert.match(s, /^10\.213\.[0-3]\.(0|64|128|192)\/26$/);
});

test('the network goes with the app\'s last container, stopped ones included; pruning again is a no-op', async () => {
  const appId = newApp();
  const other = newApp();
  const [a, b] = await Promise.all([engine.start(spec(appId)), engine.start(spec(appId))]);
  await engine.start(spec(other));
  await docker.getContainer(a!).remove({ force: true });
  await docker.getContainer(b!).stop({ t: 0 });
  await engine.networks.prune();
  assert.equal((await networksOf(appId)).length, 1, 'a stopped container keeps its network');
  await docker.getContainer(b!).remove({ force: true });
  const removed = await engine.networks.prune();
  assert.ok(removed.includes(appNetworkName(appId)));
  assert.equal((await networksOf(appId)).length, 0);
  assert.equal((await networksOf(other)).length, 1, "another app's network with a container stays");
  assert.ok(!(await engine.networks.prune()).includes(appNetworkName(appId)));
  // The app's next start makes it again.
  await engine.start(spec(appId));
  assert.equal((await networksOf(appId)).length, 1);
});
