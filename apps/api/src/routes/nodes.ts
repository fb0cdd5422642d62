import { drainNode, removeNode } from '@slipway/scheduler/operations';
import type { WorkerNode } from '@slipway/api-types';
import { route } from '../http/route.ts';
import { requireAdmin } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { desiredNotifier } from '../services/releases.ts';

export const nodeRoutes = [
  route({
    method: 'get',
    path: '/v1/nodes',
    tag: 'nodes',
    summary: 'Worker nodes with state, capacity used and instance count (administrators only)',
    handler: async ({ deps, principal }) => {
      requireAdmin(principal);
      const nodes = await deps.db.node.findMany({ orderBy: { name: 'asc' }, include: { instances: { where: { state: { notIn: ['stopped'] } }, include: { app: { select: { name: true } } } } } });
      const sizes = await deps.db.formation.findMany({ select: { appId: true, type: true, memoryMb: true } });
      const memoryOf = new Map(sizes.map((f) => [`${f.appId}/${f.type}`, f.memoryMb]));
      return nodes.map((n): WorkerNode => ({
        name: n.name,
        address: n.address,
        status: n.status,
        // Written only from the agents' validated registrations and heartbeats.
        labels: n.labels as Record<string, string>,
        lastHeartbeatAt: n.lastHeartbeatAt?.toISOString() ?? null,
        memoryMb: n.memoryMb,
        memoryUsedMb: n.instances.reduce((sum, i) => sum + (memoryOf.get(`${i.appId}/${i.type}`) ?? 512), 0),
        cpus: n.cpus,
        instances: n.instances.map((i) => ({ app: i.app.name, name: i.name, state: i.state })),
      }));
    },
  }),
  route({
    method: 'post',
    path: '/v1/nodes/:name/drain',
    tag: 'nodes',
    summary: 'Drain a node: no new instances; its instances move elsewhere first',
    status: 202,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      requireAdmin(principal);
      await drainNode(deps.db, desiredNotifier(deps), params.name!);
      await audit(deps, req, principal, { action: 'node.drain', target: params.name });
      return { draining: params.name };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/nodes/:name',
    tag: 'nodes',
    summary: 'Remove a node: its credential stops working and its instances are re-placed',
    status: 204,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      requireAdmin(principal);
      await removeNode(deps.db, desiredNotifier(deps), params.name!);
      await audit(deps, req, principal, { action: 'node.remove', target: params.name });
    },
  }),
];
