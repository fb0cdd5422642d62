import type { Db } from '@slipway/db';
import type { Logger } from '@slipway/core';
import type { Action, InstanceView, NodeView, Policy } from './model.ts';
import { place } from './placement/index.ts';
import { nextNames } from './names.ts';

/**
 * Carries out reconcile's actions against the database. Every write is guarded on the
 * state it expects, so a duplicate or stale action changes nothing. Agents see the
 * result on their next heartbeat. Returns whether anything changed.
 */
export async function applyActions(db: Db, log: Logger, actions: Action[], nodes: NodeView[], instances: InstanceView[], now: number, policy: Policy): Promise<boolean> {
  let changed = false;
  for (const a of actions) {
    switch (a.kind) {
      case 'place': {
        const ask = { appId: a.appId, type: a.spec.type, releaseId: a.releaseId, memoryMb: a.spec.memoryMb, constraints: a.spec.constraints };
        const onlyNodes = a.onlyNodes;
        const result = place(ask, a.count, onlyNodes ? nodes.filter((n) => onlyNodes.includes(n.id)) : nodes, instances, now, policy);
        // A rebalancing move that does not fit stays where it is; only a formation short of instances is worth a warning.
        if (result.unplaced > 0 && !onlyNodes) log.warn({ app: a.appId, type: a.spec.type, unplaced: result.unplaced, rejected: result.rejected }, 'not enough capacity to place every instance');
        const taken = instances.filter((i) => i.appId === a.appId && i.state !== 'stopped' && i.state !== 'draining').map((i) => i.name);
        const names = nextNames(a.spec.type, taken, result.nodeIds.length);
        for (const [k, nodeId] of result.nodeIds.entries()) {
          const row = await db.instance.create({ data: { appId: a.appId, releaseId: a.releaseId, type: a.spec.type, name: names[k]!, nodeId } });
          // Count it at once so the next placement in this pass sees the load.
          instances.push({ id: row.id, appId: a.appId, releaseId: a.releaseId, type: a.spec.type, name: row.name, nodeId, state: 'pending', healthy: false, restarts: 0, memoryMb: a.spec.memoryMb, updatedAt: now, startedAt: null });
          log.info({ app: a.appId, dyno: row.name, node: nodeId }, 'instance placed');
        }
        changed ||= result.nodeIds.length > 0;
        break;
      }
      case 'drain':
        changed ||= (await db.instance.updateMany({ where: { id: a.instanceId, state: { notIn: ['draining', 'stopped'] } }, data: { state: 'draining' } })).count > 0;
        log.info({ instance: a.instanceId, reason: a.reason }, 'instance draining');
        break;
      case 'stop':
        changed ||= (await db.instance.updateMany({ where: { id: a.instanceId, state: { not: 'stopped' } }, data: { state: 'stopped', healthy: false } })).count > 0;
        log.info({ instance: a.instanceId, reason: a.reason }, 'instance stopping');
        break;
      case 'restart':
        changed ||= (await db.instance.updateMany({ where: { id: a.instanceId, state: 'crashed' }, data: { state: 'pending', restarts: a.restarts, healthy: false, containerId: null, hostPort: null, startedAt: null } })).count > 0;
        log.info({ instance: a.instanceId, restarts: a.restarts }, 'instance restarting after back-off');
        break;
      case 'release':
        changed = true;
        if (a.status === 'succeeded') {
          const r = await db.release.update({ where: { id: a.releaseId }, data: { status: 'succeeded' } });
          await db.release.updateMany({ where: { appId: r.appId, status: 'succeeded', id: { not: r.id } }, data: { status: 'superseded' } });
          log.info({ release: a.releaseId, version: r.version }, 'release rolled out');
        } else {
          await db.release.update({ where: { id: a.releaseId }, data: { status: 'failed', failure: a.failure ?? 'rollout failed' } });
          log.warn({ release: a.releaseId, failure: a.failure }, 'release failed; the previous release keeps serving');
        }
        break;
    }
  }
  return changed;
}
