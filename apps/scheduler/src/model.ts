/** Plain views of the control-plane state that the pure scheduler logic works on. */

export type NodeStatus = 'ready' | 'draining' | 'down';
export type InstanceState = 'pending' | 'starting' | 'running' | 'draining' | 'stopped' | 'crashed';

export interface NodeView {
  id: string;
  name: string;
  status: NodeStatus;
  /** Epoch ms of the last heartbeat, null if it never sent one. */
  lastHeartbeatAt: number | null;
  memoryMb: number;
  cpus: number;
  labels: Record<string, string>;
}

export interface InstanceView {
  id: string;
  appId: string;
  releaseId: string;
  type: string;
  name: string;
  nodeId: string | null;
  state: InstanceState;
  healthy: boolean;
  restarts: number;
  memoryMb: number;
  /** Epoch ms of the last state change: back-off and drain timers count from it. */
  updatedAt: number;
  startedAt: number | null;
}

export interface ProcessSpec {
  type: string;
  quantity: number;
  memoryMb: number;
  cpuShares: number;
  /** Node labels an instance requires, e.g. { disk: 'ssd' }. */
  constraints: Record<string, string>;
}

export interface AppDesired {
  appId: string;
  /** The release that should run: the newest one not failed. Null = nothing to run. */
  target: string | null;
  /** The newest release that finished rolling out (null before the first one). */
  serving: string | null;
  formation: ProcessSpec[];
}

export interface Policy {
  heartbeatTimeoutMs: number;
  /** Time a drained instance stays reachable for in-flight requests before it is stopped. */
  drainMs: number;
  maxRestarts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** An instance that ran this long before crashing starts its back-off afresh. */
  restartResetMs: number;
  /** New instances started ahead of draining old ones during a rollout. */
  surge: number;
  /** How long a release command may run before its release fails (Heroku: 1 hour). */
  releasePhaseTimeoutMs: number;
}

export const defaultPolicy: Policy = {
  heartbeatTimeoutMs: 5_000,
  drainMs: 2_000,
  maxRestarts: 3,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  restartResetMs: 60_000,
  surge: 1,
  releasePhaseTimeoutMs: 3_600_000,
};

export type StopReason = 'scale-down' | 'node-down' | 'rollout' | 'rollout-failed' | 'not-in-formation' | 'drained';

export type Action =
  /** onlyNodes: a rebalancing move, placed on those nodes or not at all. */
  | { kind: 'place'; appId: string; releaseId: string; spec: ProcessSpec; count: number; onlyNodes?: string[] }
  | { kind: 'drain'; instanceId: string; reason: StopReason }
  | { kind: 'stop'; instanceId: string; reason: StopReason }
  | { kind: 'restart'; instanceId: string; restarts: number }
  | { kind: 'release'; releaseId: string; status: 'succeeded' | 'failed'; failure?: string };

export const isLiveNode = (node: NodeView | undefined, now: number, policy: Policy): boolean =>
  node !== undefined && node.status !== 'down' && node.lastHeartbeatAt !== null && now - node.lastHeartbeatAt <= policy.heartbeatTimeoutMs;
