import type { AppDesired, InstanceView, NodeView, ProcessSpec } from './model.ts';

/** Builders for table tests and benchmarks of the pure scheduler logic. */
export const NOW = 1_000_000;

export function node(id: string, over: Partial<NodeView> = {}): NodeView {
  return { id, name: id, status: 'ready', lastHeartbeatAt: NOW, memoryMb: 4096, cpus: 2, labels: {}, ...over };
}

export function inst(id: string, over: Partial<InstanceView> = {}): InstanceView {
  return {
    id, appId: 'a', releaseId: 'r1', type: 'web', name: `web.${id.replace(/\D/g, '') || 1}`, nodeId: 'n1',
    state: 'running', healthy: true, restarts: 0, memoryMb: 512, updatedAt: NOW - 100_000, startedAt: NOW - 100_000, ...over,
  };
}

export function spec(quantity: number, over: Partial<ProcessSpec> = {}): ProcessSpec {
  return { type: 'web', quantity, memoryMb: 512, cpuShares: 1024, constraints: {}, ...over };
}

export function app(over: Partial<AppDesired> = {}): AppDesired {
  return { appId: 'a', target: 'r1', serving: 'r1', formation: [spec(1)], ...over };
}
