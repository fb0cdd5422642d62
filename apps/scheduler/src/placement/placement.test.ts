import { test } from 'node:test';
import assert from 'node:assert/strict';
import { place } from './select.ts';
import { defaultPolicy } from '../model.ts';
import type { InstanceView, NodeView } from '../model.ts';
import { NOW, inst, node } from '../testing.ts';
import type { Ask } from './types.ts';

const ask = (over: Partial<Ask> = {}): Ask => ({ appId: 'a', type: 'web', memoryMb: 512, constraints: {}, ...over });
const three = [node('n1'), node('n2'), node('n3')];
const counts = (ids: string[]) => ids.reduce<Record<string, number>>((m, id) => ({ ...m, [id]: (m[id] ?? 0) + 1 }), {});

const cases: { name: string; ask: Ask; count: number; nodes: NodeView[]; running: InstanceView[]; want: Record<string, number>; unplaced?: number }[] = [
  { name: 'six spread 2/2/2', ask: ask(), count: 6, nodes: three, running: [], want: { n1: 2, n2: 2, n3: 2 } },
  { name: 'spread accounts for existing instances', ask: ask(), count: 2, nodes: three, running: [inst('i1', { nodeId: 'n1' })], want: { n2: 1, n3: 1 } },
  { name: 'other apps do not count for spread, but fill memory (bin-pack)', ask: ask(), count: 1, nodes: three, running: [inst('i1', { appId: 'b', nodeId: 'n2' })], want: { n2: 1 } },
  { name: 'draining instances do not count for spread', ask: ask(), count: 1, nodes: [node('n1'), node('n2')], running: [inst('i1', { nodeId: 'n1', state: 'draining' }), inst('i2', { nodeId: 'n2' })], want: { n1: 1 } },
  { name: 'down node is never used', ask: ask(), count: 2, nodes: [node('n1'), node('n2', { status: 'down' })], running: [], want: { n1: 2 } },
  { name: 'draining node is never used', ask: ask(), count: 1, nodes: [node('n1', { status: 'draining' }), node('n2')], running: [], want: { n2: 1 } },
  { name: 'stale heartbeat is never used', ask: ask(), count: 1, nodes: [node('n1', { lastHeartbeatAt: NOW - 10_000 }), node('n2')], running: [], want: { n2: 1 } },
  { name: 'labels are honoured', ask: ask({ constraints: { disk: 'ssd' } }), count: 2, nodes: [node('n1'), node('n2', { labels: { disk: 'ssd' } })], running: [], want: { n2: 2 } },
  { name: 'memory limits placement', ask: ask({ memoryMb: 1024 }), count: 5, nodes: [node('n1', { memoryMb: 2048 }), node('n2', { memoryMb: 2048 })], running: [], want: { n1: 2, n2: 2 }, unplaced: 1 },
  {
    name: 'a rollout spreads the new release among itself',
    ask: ask({ releaseId: 'r2' }), count: 1, nodes: three,
    running: [inst('i1', { nodeId: 'n1' }), inst('i2', { nodeId: 'n2' }), inst('i3', { nodeId: 'n3' }), inst('i4', { nodeId: 'n1', releaseId: 'r2' })],
    want: { n2: 1 },
  },
  { name: 'no node at all', ask: ask(), count: 1, nodes: [], running: [], want: {}, unplaced: 1 },
];

for (const c of cases) {
  test(`placement: ${c.name}`, () => {
    const r = place(c.ask, c.count, c.nodes, c.running, NOW, defaultPolicy);
    assert.deepEqual(counts(r.nodeIds), c.want);
    assert.equal(r.unplaced, c.unplaced ?? 0);
  });
}

test('placement explains rejections', () => {
  const r = place(ask({ constraints: { gpu: 'yes' } }), 1, [node('n1'), node('n2', { status: 'down' })], [], NOW, defaultPolicy);
  assert.deepEqual(r.rejected, { 'label gpu≠yes': 1, 'node down': 1 });
});
