import type { InstanceView, NodeView, Policy } from '../model.ts';
import { feasible } from './filters.ts';
import { compare } from './scorers.ts';
import type { Ask, Candidate } from './types.ts';

export interface PlacementResult {
  /** One node id per placed instance, in placement order. */
  nodeIds: string[];
  unplaced: number;
  /** Why nodes were rejected for the first unplaced instance (reason → node count). */
  rejected: Record<string, number>;
}

/**
 * Places `count` instances one at a time: filter, score, pick the best, then account
 * for it so the next pick sees the updated load. O(count × nodes).
 */
export function place(ask: Ask, count: number, nodes: NodeView[], running: InstanceView[], now: number, policy: Policy): PlacementResult {
  const cands = candidates(ask, nodes, running);
  const nodeIds: string[] = [];
  for (let n = 0; n < count; n++) {
    const { ok, rejected } = feasible(cands, ask, { now, policy });
    const best = ok.reduce<Candidate | undefined>((acc, c) => (acc === undefined || compare(c, acc, ask) < 0 ? c : acc), undefined);
    if (best === undefined) return { nodeIds, unplaced: count - n, rejected: Object.fromEntries(rejected) };
    best.usedMemoryMb += ask.memoryMb;
    best.sameGroup += 1;
    nodeIds.push(best.node.id);
  }
  return { nodeIds, unplaced: 0, rejected: {} };
}

/** Load per node from the instances that hold resources (everything not stopped). */
export function candidates(ask: Ask, nodes: NodeView[], running: InstanceView[]): Candidate[] {
  const byId = new Map<string, Candidate>(nodes.map((node) => [node.id, { node, usedMemoryMb: 0, sameGroup: 0 }]));
  for (const inst of running) {
    const c = inst.nodeId === null ? undefined : byId.get(inst.nodeId);
    if (c === undefined || inst.state === 'stopped') continue;
    c.usedMemoryMb += inst.memoryMb;
    const sameRelease = ask.releaseId === undefined || inst.releaseId === ask.releaseId;
    if (inst.appId === ask.appId && inst.type === ask.type && sameRelease && inst.state !== 'draining') c.sameGroup += 1;
  }
  return [...byId.values()];
}
