import { z } from 'zod';
import { SlipwayError, appName, notFound, processType } from '@slipway/core';
import { Prisma, type App } from '@slipway/db';
import type { AppInfo, AppListItem, AppSummary } from '@slipway/api-types';
import { healthchecks, type Healthchecks } from '@slipway/app-json';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';
import { route } from '../http/route.ts';
import { paginate } from '../http/pagination.ts';
import { appAccess, appFor, roleAllows, scopesAllow, secretsHiddenReason, teamFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { notifyDesired } from '../services/releases.ts';
import { destroyApp } from '../services/destroy-app.ts';
import { formationOf } from './formation.ts';

export function appView(deps: Deps, app: App & { team: { name: string } }): AppSummary {
  return {
    id: app.id,
    name: app.name,
    team: app.team.name,
    webUrl: appUrl(deps, app.name),
    gitUrl: `${publicUrl(deps)}/${app.name}.git`,
    // Stored only through app.json's schema (here or by the builder's migration of old rows), which fills in the defaults.
    healthcheck: app.healthcheck as Healthchecks | null,
    sessionAffinity: app.sessionAffinity,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

/** The app's default URL through the routers (their public port is omitted when it is 80). */
export const appUrl = (deps: Deps, name: string): string =>
  `http://${name}.${deps.config.SLIPWAY_DOMAIN}${deps.config.ROUTER_PORT === 80 ? '' : `:${deps.config.ROUTER_PORT}`}/`;

export const publicUrl = (deps: Deps): string =>
  (deps.config.SLIPWAY_PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`).replace(/\/$/, '');

async function defaultTeam(deps: Deps, principal: Principal): Promise<string> {
  const m = await deps.db.membership.findFirst({ where: { userId: principal.user.id, role: { in: ['owner', 'member'] } }, orderBy: { createdAt: 'asc' } });
  if (!m) throw new SlipwayError('unprocessable', 'You are not a member of any team that can create apps; pass "team"');
  return m.teamId;
}

/** Current release, processes wanted and instances by state for a page of apps: four queries, whatever the page size. */
async function listStatus(deps: Deps, appIds: string[]) {
  const where = { appId: { in: appIds } };
  const [latest, instances, formation] = await Promise.all([
    deps.db.release.groupBy({ by: ['appId'], where: { ...where, status: 'succeeded' }, _max: { version: true } }),
    deps.db.instance.groupBy({ by: ['appId', 'state'], where: { ...where, state: { not: 'stopped' } }, _count: true }),
    deps.db.formation.groupBy({ by: ['appId'], where, _sum: { quantity: true } }),
  ]);
  const wanted = latest.flatMap((l) => (l._max.version === null ? [] : [{ appId: l.appId, version: l._max.version }]));
  const releases = wanted.length ? await deps.db.release.findMany({ where: { OR: wanted }, select: { appId: true, version: true, description: true, createdAt: true } }) : [];
  return (appId: string): Omit<AppListItem, keyof AppSummary> => ({
    currentRelease: releases.filter((r) => r.appId === appId).map((r) => ({ version: r.version, description: r.description, createdAt: r.createdAt.toISOString() }))[0] ?? null,
    processes: formation.find((f) => f.appId === appId)?._sum.quantity ?? 0,
    instances: Object.fromEntries(instances.filter((i) => i.appId === appId).map((i) => [i.state, i._count])),
  });
}

export const appRoutes = [
  route({
    method: 'get',
    path: '/v1/apps',
    tag: 'apps',
    summary: 'List apps of every team the caller belongs to, each with its current release, processes wanted and instances by state',
    handler: async ({ deps, principal, req }) => {
      const where = { team: { memberships: { some: { userId: principal.user.id } } } };
      return paginate(
        req.query,
        (page) => deps.db.app.findMany({ where, include: { team: true }, orderBy: { name: 'asc' }, ...page }),
        () => deps.db.app.count({ where }),
        async (apps) => {
          const statusOf = await listStatus(deps, apps.map((a) => a.id));
          return apps.map((a): AppListItem => ({ ...appView(deps, a), ...statusOf(a.id) }));
        },
      );
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps',
    tag: 'apps',
    summary: 'Create an app in a team where you are a member or owner (default: your first such team); a global token only',
    idempotent: true,
    need: 'manage',
    body: z.strictObject({ name: appName, team: z.string().optional() }),
    handler: async ({ deps, principal, body, req }) => {
      const teamId = body.team ? (await teamFor(deps, principal, body.team, 'operate')).id : await defaultTeam(deps, principal);
      if (await deps.db.app.findUnique({ where: { name: body.name } })) throw new SlipwayError('conflict', `Name "${body.name}" is already taken`);
      const app = await deps.db.app.create({
        // No formation until the first release (Heroku): its process types and app.json set it.
        data: { name: body.name, teamId },
        include: { team: true },
      });
      await audit(deps, req, principal, { action: 'app.create', teamId, appId: app.id, target: app.name });
      return appView(deps, app);
    },
  }),
  route({
    method: 'get',
    path: '/v1/apps/:app',
    tag: 'apps',
    summary: "App info: URLs, current release, formation, domains, and the caller's access (role, what the token allows, whether secret values are hidden)",
    handler: async ({ deps, principal, params }): Promise<AppInfo> => {
      const { app, role } = await appAccess(deps, principal, params.app!, 'read');
      const [team, release, formation, domains, instances] = await Promise.all([
        deps.db.team.findUniqueOrThrow({ where: { id: app.teamId } }),
        deps.db.release.findFirst({ where: { appId: app.id, status: 'succeeded' }, orderBy: { version: 'desc' } }),
        formationOf(deps, app.id),
        deps.db.domain.findMany({ where: { appId: app.id }, orderBy: { hostname: 'asc' } }),
        deps.db.instance.groupBy({ by: ['state'], where: { appId: app.id }, _count: true }),
      ]);
      return {
        ...appView(deps, { ...app, team }),
        currentRelease: release ? { version: release.version, description: release.description, createdAt: release.createdAt.toISOString() } : null,
        formation,
        domains: domains.map((d) => d.hostname),
        instances: Object.fromEntries(instances.map((i) => [i.state, i._count])),
        access: {
          role,
          operate: roleAllows(role, 'operate') && scopesAllow(principal, 'operate'),
          manage: roleAllows(role, 'manage') && scopesAllow(principal, 'manage'),
          secretsHidden: secretsHiddenReason(principal, role),
        },
      };
    },
  }),
  route({
    method: 'patch',
    path: '/v1/apps/:app',
    tag: 'apps',
    summary: 'Rename an app (owners, with a global token; its hostname and git URL change with it), set its health checks (null: the defaults) or session affinity',
    status: 200,
    body: z
      .strictObject({ name: appName.optional(), healthcheck: healthchecks.nullable().optional(), sessionAffinity: z.boolean().optional() })
      .refine((b) => Object.keys(b).length > 0, 'Give at least one of name, healthcheck, sessionAffinity'),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, body.name !== undefined ? 'manage' : 'operate');
      if (body.name !== undefined && body.name !== app.name && (await deps.db.app.findUnique({ where: { name: body.name } }))) {
        throw new SlipwayError('conflict', `Name "${body.name}" is already taken`);
      }
      const healthcheck = body.healthcheck === null ? Prisma.DbNull : body.healthcheck;
      const updated = await deps.db.app.update({
        where: { id: app.id },
        data: { name: body.name, healthcheck, sessionAffinity: body.sessionAffinity },
        include: { team: true },
      });
      if (body.name !== undefined) await audit(deps, req, principal, { action: 'app.rename', teamId: app.teamId, appId: app.id, target: body.name, data: { from: app.name } });
      if (body.healthcheck !== undefined || body.sessionAffinity !== undefined) {
        const data = { ...(body.healthcheck !== undefined ? { healthcheck: body.healthcheck } : {}), ...(body.sessionAffinity !== undefined ? { sessionAffinity: body.sessionAffinity } : {}) };
        await audit(deps, req, principal, { action: 'app.settings', teamId: app.teamId, appId: app.id, target: updated.name, data });
      }
      // The scheduler republishes routes (affinity) and new instances take the new checks.
      await notifyDesired(deps, app.id);
      return appView(deps, updated);
    },
  }),
  route({
    method: 'delete',
    path: '/v1/apps/:app',
    tag: 'apps',
    summary: 'Destroy an app and everything it owns (owners only; a repeat of a finished delete answers 404)',
    status: 204,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'manage');
      const destroyed = await destroyApp(deps, app, principal.user.id);
      if (!destroyed) throw notFound(`App "${app.name}"`);
      await audit(deps, req, principal, { action: 'app.destroy', teamId: app.teamId, appId: app.id, target: app.name, data: { ...destroyed } });
    },
  }),
];
