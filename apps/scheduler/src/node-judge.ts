import type { NodeView, Policy } from './model.ts';

/**
 * Which nodes to mark down, judged only on silence the control plane could have heard
 * (the rule of Kubernetes' node lifecycle controller: grace periods, and full disruption).
 *
 * - `heardSince`: since when the control plane has listened without a break. Before it the
 *   scheduler could not see (its passes failed, it was not leader, it had just started) or
 *   the API dropped heartbeats for its own dependency's error. A heartbeat missed then says
 *   nothing about the node, so every node's silence counts from no earlier than this moment.
 * - When most nodes fall silent at once (more than half, and at least `minNodes`, silent for at
 *   least half the timeout), the fault is more likely the control plane's or the network's than
 *   the nodes': nothing is evicted.
 */
export interface JudgeInput {
  nodes: NodeView[];
  now: number;
  heardSince: number;
  policy: Pick<Policy, 'heartbeatTimeoutMs'>;
  /** Fewest silent nodes that count as a full disruption (default 2: one silent node is just a dead node). */
  minNodes?: number;
}

export interface Judgement {
  /** Nodes silent past the timeout while the control plane could hear them: mark them down. */
  down: string[];
  /** Nodes past the timeout that are not marked down only because of full disruption. */
  spared: string[];
  fullDisruption: boolean;
  /** Each node's last heartbeat as the scheduler should count it: never before `heardSince`. */
  heardAt: Map<string, number>;
}

export function judgeNodes({ nodes, now, heardSince, policy, minNodes = 2 }: JudgeInput): Judgement {
  const heardAt = new Map(nodes.map((n) => [n.id, Math.max(n.lastHeartbeatAt ?? -Infinity, heardSince)]));
  const candidates = nodes.filter((n) => n.status !== 'down');
  const silentFor = (n: NodeView) => now - heardAt.get(n.id)!;
  const silent = candidates.filter((n) => silentFor(n) > policy.heartbeatTimeoutMs).map((n) => n.id);
  // Nodes cut off together fall past the timeout a few heartbeats apart: a node silent for half of it already counts
  // towards the disruption, or the first to cross would be marked down alone.
  const going = candidates.filter((n) => silentFor(n) > policy.heartbeatTimeoutMs / 2).length;
  const fullDisruption = silent.length > 0 && going >= minNodes && going * 2 > candidates.length;
  return fullDisruption ? { down: [], spared: silent, fullDisruption, heardAt } : { down: silent, spared: [], fullDisruption, heardAt };
}
