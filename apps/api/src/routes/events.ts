import { z } from 'zod';
import type { AuditEvent } from '@slipway/api-types';
import { route } from '../http/route.ts';
import { paginate } from '../http/pagination.ts';
import { appFor } from '../auth/access.ts';

export const eventRoutes = [
  route({
    method: 'get',
    path: '/v1/events',
    tag: 'audit',
    summary: "Audit events of the caller's teams (or one app with ?app=), newest first",
    query: z.object({ app: z.string().optional(), limit: z.string().optional(), cursor: z.string().optional() }),
    handler: async ({ deps, principal, query, req }) => {
      const teamIds = (await deps.db.membership.findMany({ where: { userId: principal.user.id } })).map((m) => m.teamId);
      const where = query.app
        ? { appId: (await appFor(deps, principal, query.app, 'read')).id }
        : { OR: [{ teamId: { in: teamIds } }, { actorId: principal.user.id }] };
      return paginate(
        req.query,
        (page) => deps.db.event.findMany({ where, orderBy: { createdAt: 'desc' }, ...page }),
        () => deps.db.event.count({ where }),
        (rows) => rows.map((e): AuditEvent => ({ id: e.id, action: e.action, actor: e.actor, target: e.target, data: e.data, sourceIp: e.sourceIp, createdAt: e.createdAt.toISOString() })),
      );
    },
  }),
];
