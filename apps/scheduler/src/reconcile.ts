import { isLiveNode } from './model.ts';
import type { Action, AppDesired, InstanceView, NodeView, Policy, ProcessSpec } from './model.ts';

/**
 * The whole scheduling decision for one app, as a pure diff of desired against actual
 * (the shape of Nomad's reconciler). It returns actions; the applier carries them out.
 * Drains and restarts are timed from `updatedAt`, so every call is safe to repeat.
 */
export function reconcileApp(desired: AppDesired, instances: InstanceView[], nodes: Map<string, NodeView>, now: number, policy: Policy): Action[] {
  const actions: Action[] = [];
  const active: InstanceView[] = [];
  for (const inst of instances) {
    if (inst.state === 'stopped') continue;
    if (!isLiveNode(inst.nodeId === null ? undefined : nodes.get(inst.nodeId), now, policy)) {
      actions.push({ kind: 'stop', instanceId: inst.id, reason: 'node-down' });
    } else if (inst.state === 'draining') {
      if (now - inst.updatedAt >= policy.drainMs) actions.push({ kind: 'stop', instanceId: inst.id, reason: 'drained' });
    } else {
      active.push(inst);
    }
  }
  const wanted = new Map(desired.formation.filter((p) => p.quantity > 0).map((p) => [p.type, p]));
  for (const inst of active) {
    if (!wanted.has(inst.type) || desired.target === null) actions.push({ kind: 'drain', instanceId: inst.id, reason: 'not-in-formation' });
  }
  if (desired.target === null) return actions;

  const rolling = desired.serving !== desired.target && active.some((i) => i.releaseId !== desired.target && wanted.has(i.type));
  const perType = [...wanted.values()].map((spec) =>
    reconcileType(desired.appId, desired.target!, spec, active.filter((i) => i.type === spec.type), nodes, rolling, now, policy),
  );
  const failure = perType.find((r) => r.failure !== undefined)?.failure;
  if (failure !== undefined) {
    // Abort: remove every new instance; the old release keeps serving untouched.
    actions.push({ kind: 'release', releaseId: desired.target, status: 'failed', failure });
    for (const inst of active) if (inst.releaseId === desired.target) actions.push({ kind: 'stop', instanceId: inst.id, reason: 'rollout-failed' });
    return actions;
  }
  for (const r of perType) actions.push(...r.actions);
  if (desired.serving !== desired.target && perType.every((r) => r.settled)) {
    actions.push({ kind: 'release', releaseId: desired.target, status: 'succeeded' });
  }
  return actions;
}

interface TypeResult {
  actions: Action[];
  /** Exactly `quantity` healthy instances of the target release and nothing else. */
  settled: boolean;
  failure?: string;
}

function reconcileType(
  appId: string,
  target: string,
  spec: ProcessSpec,
  instances: InstanceView[],
  nodes: Map<string, NodeView>,
  rolling: boolean,
  now: number,
  policy: Policy,
): TypeResult {
  const actions: Action[] = [];
  // Instances on a draining node are migrated like old-release ones: replacement first.
  const isCurrent = (i: InstanceView) => i.releaseId === target && nodes.get(i.nodeId!)?.status === 'ready';
  const current = instances.filter(isCurrent);
  const old = instances.filter((i) => !isCurrent(i));

  const crashed = current.filter((i) => i.state === 'crashed');
  // A first crash during a rollout may be its node dying under it: it is retried once in place
  // (or re-placed when the node is marked down). A second crash is the release's own fault.
  const crashedAgain = crashed.find((i) => restartCount(i, policy) >= 1);
  if (rolling && crashedAgain) {
    return { actions, settled: false, failure: `${spec.type} instance ${crashedAgain.name} failed its health check or exited during the rollout, twice` };
  }
  for (const inst of crashed) {
    const n = restartCount(inst, policy);
    // Past maxRestarts the instance stays crashed: a crash loop is shown, not fed.
    if (n < policy.maxRestarts && now - inst.updatedAt >= backoffMs(n, policy)) actions.push({ kind: 'restart', instanceId: inst.id, restarts: n + 1 });
  }
  for (const inst of old.filter((i) => i.state === 'crashed')) actions.push({ kind: 'stop', instanceId: inst.id, reason: 'rollout' });
  const oldUp = old.filter((i) => i.state !== 'crashed');

  if (current.length > spec.quantity) {
    for (const inst of pickExtras(current, current.length - spec.quantity)) actions.push({ kind: 'drain', instanceId: inst.id, reason: 'scale-down' });
  }
  const healthy = current.filter((i) => i.healthy && i.state === 'running').length;
  // Crashed ones awaiting their restart count as pending: the surge stays bounded while they retry.
  const pending = current.filter((i) => !(i.healthy && i.state === 'running')).length;
  const missing = spec.quantity - current.length;
  if (missing > 0) {
    // With nothing old serving there is nothing to protect: start them all at once.
    const room = oldUp.length === 0 ? missing : Math.min(missing, Math.max(0, policy.surge - pending));
    if (room > 0) actions.push({ kind: 'place', appId, releaseId: target, spec, count: room });
  }
  // Each healthy new instance lets one old one go.
  const excessOld = Math.min(oldUp.length, oldUp.length + Math.min(healthy, spec.quantity) - spec.quantity);
  for (const inst of pickExtras(oldUp, excessOld)) actions.push({ kind: 'drain', instanceId: inst.id, reason: 'rollout' });

  return { actions, settled: healthy === spec.quantity && current.length === spec.quantity && old.length === 0 };
}

/** Restarts so far, forgiven when the instance ran long before it crashed. */
export function restartCount(inst: Pick<InstanceView, 'restarts' | 'startedAt' | 'updatedAt'>, policy: Policy): number {
  const ranLong = inst.startedAt !== null && inst.updatedAt - inst.startedAt >= policy.restartResetMs;
  return ranLong ? 0 : inst.restarts;
}

/** Exponential back-off: base × 2^restarts, capped. */
export const backoffMs = (restarts: number, policy: Policy): number => Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** restarts);

/** Which instances to let go first: crashed or unhealthy ones, then the newest (highest name index). */
function pickExtras(instances: InstanceView[], count: number): InstanceView[] {
  if (count <= 0) return [];
  const rank = (i: InstanceView) => (i.state === 'crashed' ? 0 : i.healthy ? 2 : 1);
  return [...instances].sort((a, b) => rank(a) - rank(b) || nameIndex(b.name) - nameIndex(a.name)).slice(0, count);
}

export const nameIndex = (name: string): number => Number(name.slice(name.lastIndexOf('.') + 1)) || 0;
