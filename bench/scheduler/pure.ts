/**
 * Placement and reconcile speed for 1,000 instances over 50 simulated nodes (pure logic, no I/O).
 * Run: node --import tsx bench/scheduler/pure.ts
 */
import { performance } from 'node:perf_hooks';
import { place } from '../../apps/scheduler/src/placement/index.ts';
import { reconcileApp } from '../../apps/scheduler/src/reconcile.ts';
import { defaultPolicy } from '../../apps/scheduler/src/model.ts';
import type { InstanceView, NodeView } from '../../apps/scheduler/src/model.ts';
import { NOW, app, inst, node, spec } from '../../apps/scheduler/src/testing.ts';

const NODES = 50;
const INSTANCES = 1_000;
const APPS = 100;
const nodes: NodeView[] = Array.from({ length: NODES }, (_, i) => node(`n${i}`, { memoryMb: 16_384, labels: { zone: `z${i % 3}` } }));

function measure(label: string, runs: number, fn: () => void): void {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: median ${times[Math.floor(runs / 2)]!.toFixed(2)} ms, p90 ${times[Math.floor(runs * 0.9)]!.toFixed(2)} ms (${runs} runs)`);
}

// Placement: 1,000 instances (100 apps × 10) onto an empty cluster, one ask per app.
measure(`place ${INSTANCES} instances on ${NODES} nodes`, 20, () => {
  const running: InstanceView[] = [];
  for (let a = 0; a < APPS; a++) {
    const r = place({ appId: `a${a}`, type: 'web', memoryMb: 256, constraints: {} }, INSTANCES / APPS, nodes, running, NOW, defaultPolicy);
    r.nodeIds.forEach((nodeId, k) => running.push(inst(`a${a}-${k}`, { appId: `a${a}`, nodeId, memoryMb: 256 })));
    if (r.unplaced > 0) throw new Error('bench cluster too small');
  }
});

// Reconcile: the same 1,000 instances mid-rollout (half on the new release), all apps.
const nodeMap = new Map(nodes.map((n) => [n.id, n]));
const byApp = Array.from({ length: APPS }, (_, a) =>
  Array.from({ length: INSTANCES / APPS }, (_, k) => inst(`a${a}-${k}`, { appId: `a${a}`, nodeId: `n${(a + k) % NODES}`, releaseId: k % 2 ? 'r2' : 'r1', name: `web.${k + 1}` })),
);
measure(`reconcile ${APPS} apps / ${INSTANCES} instances`, 50, () => {
  for (let a = 0; a < APPS; a++) reconcileApp(app({ appId: `a${a}`, target: 'r2', serving: 'r1', formation: [spec(10)] }), byApp[a]!, nodeMap, NOW, defaultPolicy);
});
