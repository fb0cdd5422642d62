import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileApp, backoffMs } from './reconcile.ts';
import { defaultPolicy } from './model.ts';
import type { Action, AppDesired, InstanceView, NodeView } from './model.ts';
import { NOW, app, inst, node, spec } from './testing.ts';

const nodes = new Map<string, NodeView>([['n1', node('n1')], ['n2', node('n2')], ['n3', node('n3', { status: 'draining' })], ['dead', node('dead', { status: 'down', lastHeartbeatAt: NOW - 60_000 })], ['quiet', node('quiet', { lastHeartbeatAt: NOW - 60_000 })]]);
const brief = (a: Action): string => {
  switch (a.kind) {
    case 'place': return `place ${a.spec.type}@${a.releaseId}×${a.count}${a.onlyNodes ? `→${a.onlyNodes.join(',')}` : ''}`;
    case 'release': return `release ${a.releaseId} ${a.status}`;
    case 'restart': return `restart ${a.instanceId}#${a.restarts}`;
    default: return `${a.kind} ${a.instanceId} ${a.reason}`;
  }
};

const cases: { name: string; app: AppDesired; instances: InstanceView[]; want: string[] }[] = [
  { name: 'steady state does nothing', app: app(), instances: [inst('i1')], want: [] },
  { name: 'scale up places the difference', app: app({ formation: [spec(3)] }), instances: [inst('i1')], want: ['place web@r1×2'] },
  { name: 'scale down drains the newest', app: app(), instances: [inst('i1'), inst('i2')], want: ['drain i2 scale-down'] },
  { name: 'scale down drains crashed first', app: app(), instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 9 }), inst('i2')], want: ['drain i1 scale-down'] },
  { name: 'type removed from formation drains', app: app({ formation: [spec(0)] }), instances: [inst('i1')], want: ['drain i1 not-in-formation'] },
  { name: 'no release stops everything', app: app({ target: null, serving: null }), instances: [inst('i1')], want: ['drain i1 not-in-formation'] },
  { name: 'drained instance stops after drainMs', app: app(), instances: [inst('i1'), inst('i2', { state: 'draining', updatedAt: NOW - 5_000 })], want: ['stop i2 drained'] },
  { name: 'draining instance waits for drainMs', app: app(), instances: [inst('i1'), inst('i2', { state: 'draining', updatedAt: NOW - 100 })], want: [] },
  { name: 'instance on a node marked down is replaced first and kept meanwhile', app: app(), instances: [inst('i1', { nodeId: 'dead' })], want: ['place web@r1×1'] },
  { name: 'all instances on a node marked down are replaced at once', app: app({ formation: [spec(3)] }), instances: [inst('i1', { nodeId: 'dead' }), inst('i2', { nodeId: 'dead' }), inst('i3')], want: ['place web@r1×2'] },
  { name: 'instance on a node marked down waits while its replacement starts', app: app(), instances: [inst('i1', { nodeId: 'dead' }), inst('i2', { state: 'starting', healthy: false })], want: [] },
  { name: 'instance on a node marked down stops once its replacement is healthy', app: app(), instances: [inst('i1', { nodeId: 'dead' }), inst('i2')], want: ['stop i1 node-down'] },
  { name: 'crashed instance on a node marked down stops at once', app: app(), instances: [inst('i1', { nodeId: 'dead', state: 'crashed', healthy: false })], want: ['stop i1 node-down', 'place web@r1×1'] },
  { name: 'instance on a node marked down whose type left the formation stops', app: app({ formation: [spec(0)] }), instances: [inst('i1', { nodeId: 'dead' })], want: ['stop i1 node-down'] },
  { name: 'instance on a removed node is stopped and replaced', app: app(), instances: [inst('i1', { nodeId: 'gone' })], want: ['stop i1 node-down', 'place web@r1×1'] },
  { name: 'a stale heartbeat alone moves nothing (only the node judge marks nodes down)', app: app(), instances: [inst('i1', { nodeId: 'quiet' })], want: [] },
  { name: 'first deploy places all at once', app: app({ target: 'r1', serving: null, formation: [spec(4)] }), instances: [], want: ['place web@r1×4'] },
  { name: 'first deploy succeeds when all healthy', app: app({ serving: null, formation: [spec(2)] }), instances: [inst('i1'), inst('i2')], want: ['release r1 succeeded'] },
  { name: 'first deploy waits while starting', app: app({ serving: null }), instances: [inst('i1', { state: 'starting', healthy: false })], want: [] },
  { name: 'rollout surges one new instance', app: app({ target: 'r2', formation: [spec(2)] }), instances: [inst('i1'), inst('i2')], want: ['place web@r2×1'] },
  { name: 'rollout waits for the surge to be healthy', app: app({ target: 'r2', formation: [spec(2)] }), instances: [inst('i1'), inst('i2'), inst('i3', { releaseId: 'r2', state: 'starting', healthy: false })], want: [] },
  { name: 'healthy new instance retires one old and surges the next', app: app({ target: 'r2', formation: [spec(2)] }), instances: [inst('i1'), inst('i2'), inst('i3', { releaseId: 'r2' })], want: ['place web@r2×1', 'drain i2 rollout'] },
  { name: 'rollout completes', app: app({ target: 'r2', formation: [spec(2)] }), instances: [inst('i3', { releaseId: 'r2' }), inst('i4', { releaseId: 'r2' })], want: ['release r2 succeeded'] },
  { name: 'rollout succeeds once the old instances drain', app: app({ target: 'r2' }), instances: [inst('i1', { state: 'draining', updatedAt: NOW }), inst('i3', { releaseId: 'r2' })], want: ['release r2 succeeded'] },
  {
    name: 'a first crash during rollout is retried in place (its node may have died under it)',
    app: app({ target: 'r2', formation: [spec(2)] }),
    instances: [inst('i1'), inst('i2'), inst('i3', { releaseId: 'r2', state: 'crashed', healthy: false, updatedAt: NOW - 60_000, startedAt: NOW - 60_100 })],
    want: ['restart i3#1'],
  },
  {
    name: 'a second crash during rollout fails the release and removes new instances',
    app: app({ target: 'r2', formation: [spec(2)] }),
    instances: [inst('i1'), inst('i2'), inst('i3', { releaseId: 'r2', state: 'crashed', healthy: false, restarts: 1, updatedAt: NOW - 1_000, startedAt: NOW - 1_100 })],
    want: ['release r2 failed', 'stop i3 rollout-failed'],
  },
  {
    name: 'a first deploy whose instance crashes twice fails like any rollout',
    app: app({ serving: null }),
    instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 1, updatedAt: NOW - 1_000, startedAt: NOW - 1_100 })],
    want: ['release r1 failed', 'stop i1 rollout-failed'],
  },
  {
    name: 'a first deploy retries a first crash after its back-off',
    app: app({ serving: null }),
    instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 0, updatedAt: NOW - 1_000, startedAt: NOW - 1_100 })],
    want: ['restart i1#1'],
  },
  {
    name: 'a release replacing a formation with nothing running fails on a second crash',
    app: app({ target: 'r2' }),
    instances: [inst('i3', { releaseId: 'r2', state: 'crashed', healthy: false, restarts: 1, updatedAt: NOW - 1_000, startedAt: NOW - 1_100 })],
    want: ['release r2 failed', 'stop i3 rollout-failed'],
  },
  { name: 'crashed instance waits for back-off', app: app(), instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 1, updatedAt: NOW - 1_000, startedAt: NOW - 1_100 })], want: [] },
  { name: 'crashed instance restarts after back-off', app: app(), instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 1, updatedAt: NOW - 2_000, startedAt: NOW - 2_100 })], want: ['restart i1#2'] },
  { name: 'crash loop gives up at maxRestarts', app: app(), instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 3, updatedAt: NOW - 999_999, startedAt: NOW - 999_999 })], want: [] },
  { name: 'long run before crash resets back-off', app: app(), instances: [inst('i1', { state: 'crashed', healthy: false, restarts: 3, updatedAt: NOW - 1_000, startedAt: NOW - 200_000 })], want: ['restart i1#1'] },
  { name: 'draining node: replacement first', app: app(), instances: [inst('i1', { nodeId: 'n3' })], want: ['place web@r1×1'] },
  { name: 'draining node: old drains once replacement healthy', app: app(), instances: [inst('i1', { nodeId: 'n3' }), inst('i2', { nodeId: 'n2' })], want: ['drain i1 rollout'] },
  { name: 'old crashed instance is stopped', app: app({ target: 'r2' }), instances: [inst('i1', { state: 'crashed' }), inst('i3', { releaseId: 'r2' })], want: ['stop i1 rollout'] },
  { name: 'stopped rows are ignored', app: app(), instances: [inst('i1'), inst('i2', { state: 'stopped' })], want: [] },
];

for (const c of cases) {
  test(`reconcile: ${c.name}`, () => {
    assert.deepEqual(reconcileApp(c.app, c.instances, nodes, NOW, defaultPolicy).map(brief).sort(), [...c.want].sort());
  });
}

// Rebalancing: three ready nodes, where n3 has just come back empty.
const three = new Map<string, NodeView>(['n1', 'n2', 'n3'].map((id) => [id, node(id)]));
const spread = (...nodeIds: string[]) => nodeIds.map((nodeId, k) => inst(`i${k + 1}`, { nodeId }));
const rebalance: { name: string; app: AppDesired; instances: InstanceView[]; want: string[]; nodes?: Map<string, NodeView> }[] = [
  { name: 'a returned node gets one instance, replacement first', app: app({ formation: [spec(3)] }), instances: spread('n1', 'n1', 'n2'), want: ['place web@r1×1→n3'] },
  {
    name: 'the move waits for its replacement to be healthy',
    app: app({ formation: [spec(3)] }),
    instances: [...spread('n1', 'n1', 'n2'), inst('i4', { nodeId: 'n3', state: 'starting', healthy: false })],
    want: [],
  },
  { name: 'a healthy replacement lets the fullest node give one up', app: app({ formation: [spec(3)] }), instances: spread('n1', 'n1', 'n2', 'n3'), want: ['drain i2 scale-down'] },
  { name: 'an even spread stays', app: app({ formation: [spec(3)] }), instances: spread('n1', 'n2', 'n3'), want: [] },
  { name: 'a difference of one stays', app: app({ formation: [spec(4)] }), instances: spread('n1', 'n1', 'n2', 'n3'), want: [] },
  { name: 'six on two nodes move to the empty one', app: app({ formation: [spec(6)] }), instances: spread('n1', 'n1', 'n1', 'n2', 'n2', 'n2'), want: ['place web@r1×1→n3'] },
  { name: 'no move during a rollout', app: app({ target: 'r2', formation: [spec(3)] }), instances: [...spread('n1', 'n1', 'n2'), inst('i4', { releaseId: 'r2', nodeId: 'n3', state: 'starting', healthy: false })], want: [] },
  { name: 'no move while an instance is crashed', app: app({ formation: [spec(3)] }), instances: [...spread('n1', 'n1'), inst('i3', { nodeId: 'n2', state: 'crashed', healthy: false, restarts: 3 })], want: [] },
  { name: 'a node without the required label is not a target', app: app({ formation: [spec(2, { constraints: { disk: 'ssd' } })] }), instances: spread('n1', 'n1'), want: [] },
  {
    name: 'a labelled node is a target',
    app: app({ formation: [spec(2, { constraints: { disk: 'ssd' } })] }),
    instances: spread('n1', 'n1'),
    nodes: new Map([['n1', node('n1', { labels: { disk: 'ssd' } })], ['n2', node('n2', { labels: { disk: 'ssd' } })]]),
    want: ['place web@r1×1→n2'],
  },
];
for (const c of rebalance) {
  test(`reconcile rebalances: ${c.name}`, () => {
    assert.deepEqual(reconcileApp(c.app, c.instances, c.nodes ?? three, NOW, defaultPolicy).map(brief).sort(), [...c.want].sort());
  });
}

test('reconcile is idempotent on its own stable output', () => {
  const a = reconcileApp(app({ formation: [spec(3)] }), [inst('i1')], nodes, NOW, defaultPolicy);
  assert.deepEqual(a, reconcileApp(app({ formation: [spec(3)] }), [inst('i1')], nodes, NOW, defaultPolicy));
});

test('back-off doubles and is capped', () => {
  assert.deepEqual([0, 1, 2, 3, 20].map((n) => backoffMs(n, defaultPolicy)), [1_000, 2_000, 4_000, 8_000, 60_000]);
});
