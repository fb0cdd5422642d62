import { z } from 'zod';
import { SlipwayError, hostname } from '@slipway/core';
import type { Domain as DomainView } from '@slipway/api-types';
import type { Domain } from '@slipway/db';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { notifyDesired } from '../services/releases.ts';

const domainView = (d: Domain): DomainView => ({ id: d.id, hostname: d.hostname, createdAt: d.createdAt.toISOString() });

export const domainRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/domains',
    tag: 'domains',
    summary: "The app's custom domains",
    handler: async ({ deps, principal, params }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const rows = await deps.db.domain.findMany({ where: { appId: app.id }, orderBy: { hostname: 'asc' } });
      return rows.map(domainView);
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/domains',
    tag: 'domains',
    summary: 'Add a custom domain (unique across the platform; adding it again to the same app is harmless)',
    idempotent: true,
    body: z.strictObject({ hostname: z.string().transform((h) => h.toLowerCase()).pipe(hostname) }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      if (body.hostname.endsWith(`.${deps.config.SLIPWAY_DOMAIN}`)) {
        throw new SlipwayError('unprocessable', `Hostnames under ${deps.config.SLIPWAY_DOMAIN} are reserved for app default URLs`);
      }
      const existing = await deps.db.domain.findUnique({ where: { hostname: body.hostname } });
      if (existing && existing.appId !== app.id) throw new SlipwayError('conflict', `${body.hostname} is already in use by another app`);
      const domain = existing ?? (await deps.db.domain.create({ data: { hostname: body.hostname, appId: app.id } }));
      if (!existing) {
        await audit(deps, req, principal, { action: 'domain.add', teamId: app.teamId, appId: app.id, target: body.hostname });
        await notifyDesired(deps, app.id);
      }
      return domainView(domain);
    },
  }),
  route({
    method: 'delete',
    path: '/v1/apps/:app/domains/:hostname',
    tag: 'domains',
    summary: 'Remove a custom domain (removing one that is gone is harmless)',
    status: 204,
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const { count } = await deps.db.domain.deleteMany({ where: { appId: app.id, hostname: params.hostname!.toLowerCase() } });
      if (count) {
        await audit(deps, req, principal, { action: 'domain.remove', teamId: app.teamId, appId: app.id, target: params.hostname });
        await notifyDesired(deps, app.id);
      }
    },
  }),
];
