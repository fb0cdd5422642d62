import { feasible, nodeFilters } from './placement/index.ts';
import type { Action, AppDesired, InstanceView, NodeView, Policy, ProcessSpec } from './model.ts';

/**
 * The whole scheduling decision for one app, as a pure diff of desired against actual
 * (the shape of Nomad's reconciler). It returns actions; the applier carries them out.
 * Drains and restarts are timed from `updatedAt`, so every call is safe to repeat.
 */
export function reconcileApp(desired: AppDesired, instances: InstanceView[], nodes: Map<string, NodeView>, now: number, policy: Policy): Action[] {
  const actions: Action[] = [];
  const active: InstanceView[] = [];
  // On a node marked down: replaced first, stopped only once the formation is whole without them
  // (a wrongly suspected node costs capacity, not availability; its agent learns of the stop when it answers again).
  const lost: InstanceView[] = [];
  for (const inst of instances) {
    if (inst.state === 'stopped') continue;
    const node = inst.nodeId === null ? undefined : nodes.get(inst.nodeId);
    if (node === undefined) {
      actions.push({ kind: 'stop', instanceId: inst.id, reason: 'node-down' }); // the node was removed: nothing to wait for
    } else if (node.status === 'down') {
      lost.push(inst);
    } else if (inst.state === 'draining') {
      if (now - inst.updatedAt >= policy.drainMs) actions.push({ kind: 'stop', instanceId: inst.id, reason: 'drained' });
    } else {
      active.push(inst);
    }
  }
  const wanted = new Map(desired.formation.filter((p) => p.quantity > 0).map((p) => [p.type, p]));
  for (const inst of lost) {
    const spec = wanted.get(inst.type);
    const whole = spec !== undefined && desired.target !== null && active.filter((i) => i.type === inst.type && i.releaseId === desired.target && i.healthy && i.state === 'running').length >= spec.quantity;
    if (spec === undefined || desired.target === null || whole || inst.state === 'draining' || inst.state === 'crashed') actions.push({ kind: 'stop', instanceId: inst.id, reason: 'node-down' });
  }
  for (const inst of active) {
    if (!wanted.has(inst.type) || desired.target === null) actions.push({ kind: 'drain', instanceId: inst.id, reason: 'not-in-formation' });
  }
  if (desired.target === null) return actions;

  const steady = desired.serving === desired.target;
  const perType = [...wanted.values()].map((spec) =>
    reconcileType(desired.appId, desired.target!, spec, active.filter((i) => i.type === spec.type), nodes, { steady, now, policy }),
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

interface TypeContext {
  /** The target release is the one serving: no rollout in progress. */
  steady: boolean;
  now: number;
  policy: Policy;
}

function reconcileType(appId: string, target: string, spec: ProcessSpec, instances: InstanceView[], nodes: Map<string, NodeView>, ctx: TypeContext): TypeResult {
  const { now, policy } = ctx;
  const actions: Action[] = [];
  // Instances on a draining node are migrated like old-release ones: replacement first.
  const isCurrent = (i: InstanceView) => i.releaseId === target && nodes.get(i.nodeId!)?.status === 'ready';
  let current = instances.filter(isCurrent);
  const old = instances.filter((i) => !isCurrent(i));
  // A returning or new node gets its share back, one instance at a time, migrated the same way.
  const move = ctx.steady && old.length === 0 ? rebalanceMove(appId, current, spec, nodes, now, policy) : null;
  if (move !== null) {
    current = current.filter((i) => i !== move.instance);
    old.push(move.instance);
  }

  const crashed = current.filter((i) => i.state === 'crashed');
  // A first crash during a rollout may be its node dying under it: it is retried once in place
  // (or re-placed when the node is marked down). A second crash is the release's own fault.
  // A first deploy (nothing serving yet) fails the same way: no path ends in a crash loop shown as a rollout.
  const crashedAgain = crashed.find((i) => restartCount(i, policy) >= 1);
  if (!ctx.steady && crashedAgain) {
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
    if (room > 0) actions.push({ kind: 'place', appId, releaseId: target, spec, count: room, ...(move && { onlyNodes: move.to }) });
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

/**
 * Which instances to let go first: crashed, then unhealthy, then healthy ones; within a rank
 * the one on the node holding most of them (so what stays is spread), then the newest.
 */
function pickExtras(instances: InstanceView[], count: number): InstanceView[] {
  const rank = (i: InstanceView) => (i.state === 'crashed' ? 0 : i.healthy ? 2 : 1);
  const perNode = countBy(instances, (i) => i.nodeId ?? '');
  const left = [...instances];
  const picked: InstanceView[] = [];
  while (picked.length < count && left.length > 0) {
    left.sort((a, b) => rank(a) - rank(b) || perNode.get(b.nodeId ?? '')! - perNode.get(a.nodeId ?? '')! || nameIndex(b.name) - nameIndex(a.name));
    const next = left.shift()!;
    perNode.set(next.nodeId ?? '', perNode.get(next.nodeId ?? '')! - 1);
    picked.push(next);
  }
  return picked;
}

/**
 * One instance to move when the healthy ones are spread unevenly over the nodes that could
 * run them (a node came back or joined): from the fullest node, to the nodes holding at
 * least two fewer. Null when the spread is even enough, or the formation is not whole and
 * healthy (a rollout, a crash or a scale change settles first). Placement is limited to
 * those nodes, so a node that cannot take it (memory) never causes a move back and forth.
 */
function rebalanceMove(appId: string, current: InstanceView[], spec: ProcessSpec, nodes: Map<string, NodeView>, now: number, policy: Policy): { instance: InstanceView; to: string[] } | null {
  const up = current.filter((i) => i.state === 'running' && i.healthy);
  if (spec.quantity < 2 || up.length < spec.quantity || current.some((i) => i.state === 'crashed')) return null;
  const ask = { appId, type: spec.type, memoryMb: spec.memoryMb, constraints: spec.constraints };
  const candidates = [...nodes.values()].map((node) => ({ node, usedMemoryMb: 0, sameGroup: 0 }));
  const eligible = feasible(candidates, ask, { now, policy }, nodeFilters).ok;
  const load = new Map(eligible.map((c) => [c.node.id, 0]));
  for (const i of up) if (load.has(i.nodeId ?? '')) load.set(i.nodeId!, load.get(i.nodeId!)! + 1);
  const byLoad = [...load.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [fullest, most] = byLoad[0] ?? ['', 0];
  const to = byLoad.filter(([, n]) => n <= most - 2).map(([id]) => id);
  if (to.length === 0) return null;
  const instance = up.filter((i) => i.nodeId === fullest).sort((a, b) => nameIndex(b.name) - nameIndex(a.name))[0]!;
  return { instance, to };
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

export const nameIndex = (name: string): number => Number(name.slice(name.lastIndexOf('.') + 1)) || 0;
