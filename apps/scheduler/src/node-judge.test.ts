import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeNodes } from './node-judge.ts';
import { NOW, node } from './testing.ts';
import type { NodeView } from './model.ts';

const policy = { heartbeatTimeoutMs: 5_000 };
const LONG_AGO = NOW - 60_000;
const silentFor = (ms: number) => ({ lastHeartbeatAt: NOW - ms });

const cases: { name: string; nodes: NodeView[]; heardSince: number; want: { down: string[]; spared: string[]; full: boolean } }[] = [
  { name: 'every node heard recently: nothing', nodes: [node('n1'), node('n2'), node('n3')], heardSince: LONG_AGO, want: { down: [], spared: [], full: false } },
  { name: 'one node silent past the timeout, control plane listening: down', nodes: [node('n1'), node('n2'), node('n3', silentFor(6_000))], heardSince: LONG_AGO, want: { down: ['n3'], spared: [], full: false } },
  { name: 'silent exactly the timeout: not yet', nodes: [node('n1'), node('n2', silentFor(5_000))], heardSince: LONG_AGO, want: { down: [], spared: [], full: false } },
  { name: 'the single node of a one-node cluster dies: down', nodes: [node('n1', silentFor(6_000))], heardSince: LONG_AGO, want: { down: ['n1'], spared: [], full: false } },
  {
    name: 'control plane blind until 2 s ago (database outage): silence before that does not count',
    nodes: [node('n1', silentFor(10_000)), node('n2', silentFor(10_000)), node('n3', silentFor(10_000))], heardSince: NOW - 2_000, want: { down: [], spared: [], full: false },
  },
  { name: 'blind, then a node stays silent a whole timeout after: down', nodes: [node('n1'), node('n2'), node('n3', silentFor(30_000))], heardSince: NOW - 6_000, want: { down: ['n3'], spared: [], full: false } },
  { name: 'scheduler just started (heardSince = now): fresh grace for all', nodes: [node('n1', silentFor(600_000)), node('n2', { lastHeartbeatAt: null })], heardSince: NOW, want: { down: [], spared: [], full: false } },
  { name: 'never sent a heartbeat, control plane listening a timeout: down', nodes: [node('n1'), node('n2'), node('n3', { lastHeartbeatAt: null })], heardSince: NOW - 6_000, want: { down: ['n3'], spared: [], full: false } },
  {
    name: 'all three silent at once: full disruption, nothing evicted',
    nodes: [node('n1', silentFor(6_000)), node('n2', silentFor(7_000)), node('n3', silentFor(8_000))], heardSince: LONG_AGO, want: { down: [], spared: ['n1', 'n2', 'n3'], full: true },
  },
  { name: 'two of three silent: most nodes, full disruption', nodes: [node('n1'), node('n2', silentFor(6_000)), node('n3', silentFor(6_000))], heardSince: LONG_AGO, want: { down: [], spared: ['n2', 'n3'], full: true } },
  {
    name: 'cut off together, they cross the timeout a heartbeat apart: the first is spared too',
    nodes: [node('n1'), node('n2', silentFor(5_100)), node('n3', silentFor(4_700))], heardSince: LONG_AGO, want: { down: [], spared: ['n2'], full: true },
  },
  { name: 'a dead node while the others beat (a missed heartbeat or two) is still down', nodes: [node('n1', silentFor(1_500)), node('n2'), node('n3', silentFor(6_000))], heardSince: LONG_AGO, want: { down: ['n3'], spared: [], full: false } },
  { name: 'two of four silent: not most, both down', nodes: [node('n1'), node('n2'), node('n3', silentFor(6_000)), node('n4', silentFor(6_000))], heardSince: LONG_AGO, want: { down: ['n3', 'n4'], spared: [], full: false } },
  { name: 'two of two silent: full disruption', nodes: [node('n1', silentFor(6_000)), node('n2', silentFor(6_000))], heardSince: LONG_AGO, want: { down: [], spared: ['n1', 'n2'], full: true } },
  { name: 'one of two silent: a dead node, down', nodes: [node('n1'), node('n2', silentFor(6_000))], heardSince: LONG_AGO, want: { down: ['n2'], spared: [], full: false } },
  {
    name: 'nodes already down count neither as silent nor among the candidates',
    nodes: [node('n1'), node('n2', { status: 'down', ...silentFor(60_000) }), node('n3', { status: 'down', ...silentFor(60_000) }), node('n4', silentFor(6_000))], heardSince: LONG_AGO,
    want: { down: ['n4'], spared: [], full: false },
  },
  { name: 'a draining node is judged like a ready one', nodes: [node('n1'), node('n2'), node('n3', { status: 'draining', ...silentFor(6_000) })], heardSince: LONG_AGO, want: { down: ['n3'], spared: [], full: false } },
];

for (const c of cases) {
  test(c.name, () => {
    const j = judgeNodes({ nodes: c.nodes, now: NOW, heardSince: c.heardSince, policy });
    assert.deepEqual({ down: j.down, spared: j.spared, full: j.fullDisruption }, c.want);
  });
}

test('heardAt never counts a heartbeat from before the control plane could hear', () => {
  const j = judgeNodes({ nodes: [node('n1', silentFor(10_000)), node('n2', { lastHeartbeatAt: null }), node('n3')], now: NOW, heardSince: NOW - 3_000, policy });
  assert.deepEqual([...j.heardAt], [['n1', NOW - 3_000], ['n2', NOW - 3_000], ['n3', NOW]]);
});
