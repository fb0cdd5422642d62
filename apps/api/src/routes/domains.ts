import { z } from 'zod';
import { SlipwayError, customDomain, reservedHosts } from '@slipway/core';
import type { Domain as DomainView } from '@slipway/api-types';
import { Prisma, type Domain } from '@slipway/db';
import { removeAppRoutes, routeKeys } from '@slipway/routing';
import type { Deps } from '../deps.ts';
import { route } from '../http/route.ts';
import { parse } from '../http/validate.ts';
import { appFor } from '../auth/access.ts';
import { publicUrl } from './apps.ts';
import { audit } from '../services/audit.ts';
import { notifyDesired } from '../services/releases.ts';

const domainView = (d: Domain): DomainView => ({ id: d.id, hostname: d.hostname, createdAt: d.createdAt.toISOString() });

/** The platform domain, its subdomains, IP literals, localhost and the control plane's own names are refused. */
const customDomainOf = (deps: Deps) =>
  customDomain(reservedHosts({ ...deps.config, SLIPWAY_PUBLIC_URL: publicUrl(deps) }));

const inUse = (hostname: string) => new SlipwayError('conflict', `${hostname} is already in use by another app; its owner must remove it first`);

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
    summary: 'Add a custom domain (unique across the platform; adding it again to the same app is harmless). Refused: the platform domain and names under it, IP addresses, localhost names, single labels, the control plane\'s own names',
    idempotent: true,
    body: z.strictObject({ hostname: z.string() }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const hostname = parse(customDomainOf(deps), body.hostname, 'body.hostname');
      const existing = await deps.db.domain.findUnique({ where: { hostname } });
      if (existing && existing.appId !== app.id) throw inUse(hostname);
      const domain = existing ?? (await deps.db.domain.create({ data: { hostname, appId: app.id } }).catch((e: unknown) => {
        throw e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002' ? inUse(hostname) : e;
      }));
      if (!existing) {
        await audit(deps, req, principal, { action: 'domain.add', teamId: app.teamId, appId: app.id, target: hostname });
        // The scheduler derives the route table from the domains: it routes the new host on its next pass.
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
      const hostname = params.hostname!.toLowerCase();
      const { count } = await deps.db.domain.deleteMany({ where: { appId: app.id, hostname } });
      // Unrouted at once, also on a retry after a failure here (the scheduler's next pass would delete it too).
      await removeAppRoutes(deps.redis, hostname, app.name, routeKeys(deps.config.ROUTES_KEY_PREFIX), deps.config.SLIPWAY_INTERNAL_SECRET);
      if (count) {
        await audit(deps, req, principal, { action: 'domain.remove', teamId: app.teamId, appId: app.id, target: hostname });
        await notifyDesired(deps, app.id);
      }
    },
  }),
];
