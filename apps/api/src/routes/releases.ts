import { z } from 'zod';
import { SlipwayError, notFound } from '@slipway/core';
import type { ReleaseDetail, ReleaseOutput } from '@slipway/api-types';
import { route } from '../http/route.ts';
import { paginate } from '../http/pagination.ts';
import { appAccess, appFor, checkSecrets } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { createRelease, inReleaseTx, notifyDesired, releaseView } from '../services/releases.ts';

const versionParam = z.coerce.number().int().positive();

export const releaseRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/releases',
    tag: 'releases',
    summary: 'Releases, newest first',
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const where = { appId: app.id };
      return paginate(req.query, (page) => deps.db.release.findMany({ where, orderBy: { version: 'desc' }, ...page }), () => deps.db.release.count({ where }), (rows) => rows.map(releaseView));
    },
  }),
  route({
    method: 'get',
    path: '/v1/apps/:app/releases/:version',
    tag: 'releases',
    summary: 'One release, with the config var names it carries',
    handler: async ({ deps, principal, params }): Promise<ReleaseDetail> => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const version = versionParam.safeParse(params.version);
      const release = version.success ? await deps.db.release.findUnique({ where: { appId_version: { appId: app.id, version: version.data } } }) : null;
      if (!release) throw notFound(`Release v${params.version}`);
      return { ...releaseView(release), configKeys: Object.keys(deps.box.decryptJson<Record<string, string>>(release.config)).sort() };
    },
  }),
  route({
    method: 'get',
    path: '/v1/apps/:app/releases/:version/output',
    tag: 'releases',
    summary: "What the release's release phase (the Procfile's release: command) printed; as secret as the config vars it may print",
    handler: async ({ deps, principal, params }): Promise<ReleaseOutput> => {
      const { app, role } = await appAccess(deps, principal, params.app!, 'read');
      checkSecrets(principal, role);
      const version = versionParam.safeParse(params.version);
      const release = version.success ? await deps.db.release.findUnique({ where: { appId_version: { appId: app.id, version: version.data } }, select: { version: true, releaseCommand: true, releaseOutput: true } }) : null;
      if (!release) throw notFound(`Release v${params.version}`);
      return { version: release.version, command: release.releaseCommand, output: release.releaseOutput };
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/rollbacks',
    tag: 'releases',
    summary: "Roll back: a new release with an older release's image and config",
    idempotent: true,
    body: z.strictObject({ version: z.number().int().positive() }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const target = await deps.db.release.findUnique({ where: { appId_version: { appId: app.id, version: body.version } } });
      if (!target) throw notFound(`Release v${body.version}`);
      if (target.status === 'failed') throw new SlipwayError('unprocessable', `Release v${body.version} failed to deploy; pick a release that succeeded`);
      // The user's config vars go back too, as on Heroku; add-on vars stay those of the add-ons attached now.
      const addonVars = await deps.broker.service.configVarsForApp(app.id);
      const restored = Object.entries(deps.box.decryptJson<Record<string, string>>(target.config)).filter(([key]) => !(key in addonVars));
      const release = await inReleaseTx(deps, async (tx) => {
        await tx.configVar.deleteMany({ where: { appId: app.id } });
        await tx.configVar.createMany({ data: restored.map(([key, value]) => ({ appId: app.id, key, value: deps.box.encrypt(value) })) });
        return createRelease(deps, tx, {
          appId: app.id,
          description: `Rollback to v${target.version}`,
          // Its image, process types and app.json checks.
          code: target,
          createdById: principal.user.id,
        });
      });
      await audit(deps, req, principal, { action: 'release.rollback', teamId: app.teamId, appId: app.id, target: `v${release.version}`, data: { to: target.version } });
      await notifyDesired(deps, app.id);
      return releaseView(release);
    },
  }),
];
