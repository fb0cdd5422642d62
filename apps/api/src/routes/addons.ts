import { z } from 'zod';
import { SlipwayError } from '@slipway/core';
import { catalog, type BackupInfo, type BackupService } from '@slipway/addons';
import type { AddonCredentials, AddonPlan, Backup } from '@slipway/api-types';
import type { Deps } from '../deps.ts';
import { route } from '../http/route.ts';
import { appFor, checkSecrets } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { addonAccess, addonFor, addonView } from '../services/addon-access.ts';
import { releaseApp } from '../services/addon-releases.ts';

const alias = z.string().regex(/^[A-Z][A-Z0-9_]{0,29}$/, 'An alias is upper case letters, digits and underscores, e.g. ANALYTICS_DB').optional();

export const addonRoutes = [
  route({
    method: 'get',
    path: '/v1/addon-services',
    tag: 'addons',
    summary: 'The catalog: services and their plans',
    handler: async (): Promise<readonly AddonPlan[]> => catalog,
  }),
  route({
    method: 'get',
    path: '/v1/addons',
    tag: 'addons',
    summary: "Add-ons of every team the caller belongs to",
    handler: async ({ deps, principal }) => {
      const teams = await deps.db.membership.findMany({ where: { userId: principal.user.id }, select: { teamId: true } });
      const lists = await Promise.all(teams.map((t) => deps.broker.service.list({ teamId: t.teamId })));
      return Promise.all(lists.flat().filter((a) => a.state !== 'deprovisioned').map((a) => addonView(deps, a)));
    },
  }),
  route({
    method: 'get',
    path: '/v1/apps/:app/addons',
    tag: 'addons',
    summary: 'Add-ons attached to an app',
    handler: async ({ deps, principal, params }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const list = await deps.broker.service.list({ appId: app.id });
      return Promise.all(list.filter((a) => a.state !== 'deprovisioned').map((a) => addonView(deps, a)));
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/addons',
    tag: 'addons',
    summary: 'Provision an add-on for an app and attach it (202: poll GET /v1/addons/:id until available; the app then gets a release with its vars)',
    status: 202,
    idempotent: true,
    body: z.strictObject({
      plan: z.string().regex(/^[a-z]+(:[a-z0-9-]+)?$/, 'Give SERVICE or SERVICE:PLAN, e.g. postgres or redis:shared'),
      as: alias,
      name: z.string().optional(),
    }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const addon = await deps.broker.service.provision({
        teamId: app.teamId,
        spec: body.plan,
        ownerAppId: app.id,
        attach: { appId: app.id, ...(body.as ? { alias: body.as } : {}) },
        ...(body.name ? { name: body.name } : {}),
      });
      await audit(deps, req, principal, { action: 'addon.create', teamId: app.teamId, appId: app.id, target: addon.name, data: { plan: body.plan } });
      return addonView(deps, addon);
    },
  }),
  route({
    method: 'get',
    path: '/v1/addons/:addon',
    tag: 'addons',
    summary: 'One add-on (id or name): state, last operation, attachments',
    handler: async ({ deps, principal, params }) => addonView(deps, await addonFor(deps, principal, params.addon!, 'read')),
  }),
  route({
    method: 'delete',
    path: '/v1/addons/:addon',
    tag: 'addons',
    summary: 'Destroy an add-on: detaches it from every app (new releases), then drops its data',
    status: 202,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      const addon = await addonFor(deps, principal, params.addon!, 'manage');
      const { addon: after, detachedAppIds } = await deps.broker.service.deprovision(addon.id);
      for (const appId of detachedAppIds) await releaseApp(deps, appId, `Detach ${addon.name}`, principal.user.id);
      await audit(deps, req, principal, { action: 'addon.destroy', teamId: addon.teamId, target: addon.name });
      return addonView(deps, after);
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/attachments',
    tag: 'addons',
    summary: "Attach an existing add-on of the app's team (sets <ALIAS>_URL; new release)",
    body: z.strictObject({ addon: z.string().min(1), as: alias }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const addon = await addonFor(deps, principal, body.addon, 'operate');
      const { attachment } = await deps.broker.service.bind(addon.id, app.id, body.as);
      const version = addon.state === 'available' ? await releaseApp(deps, app.id, `Attach ${addon.name} as ${attachment.alias}`, principal.user.id) : null;
      await audit(deps, req, principal, { action: 'addon.attach', teamId: app.teamId, appId: app.id, target: addon.name, data: { alias: attachment.alias } });
      return { addon: addon.name, app: app.name, alias: attachment.alias, releaseVersion: version };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/apps/:app/attachments/:addon',
    tag: 'addons',
    summary: 'Detach an add-on from an app (its vars go away in a new release; the add-on stays)',
    status: 200,
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const addon = await addonFor(deps, principal, params.addon!, 'operate');
      const { removedVars } = await deps.broker.service.unbind(addon.id, app.id);
      const version = removedVars.length ? await releaseApp(deps, app.id, `Detach ${addon.name}`, principal.user.id) : null;
      if (removedVars.length) await audit(deps, req, principal, { action: 'addon.detach', teamId: app.teamId, appId: app.id, target: addon.name });
      return { removedVars, releaseVersion: version };
    },
  }),
  route({
    method: 'get',
    path: '/v1/addons/:addon/credentials',
    tag: 'addons',
    summary: "Connection URL and vars: secret values, so as for config var values, members and owners of the add-on's team with a deploy or global token",
    need: 'operate',
    handler: async ({ deps, principal, params, req }): Promise<AddonCredentials> => {
      const { addon, role } = await addonAccess(deps, principal, params.addon!, 'read');
      checkSecrets(principal, role);
      const credentials = await deps.broker.service.credentials(addon.id);
      await audit(deps, req, principal, { action: 'addon.credentials.read', teamId: addon.teamId, target: addon.name });
      return credentials;
    },
  }),
  route({
    method: 'post',
    path: '/v1/addons/:addon/credentials/rotate',
    tag: 'addons',
    summary: 'Issue a new password; every attached app gets a release with the new URL',
    status: 200,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      const addon = await addonFor(deps, principal, params.addon!, 'manage');
      const { appIds } = await deps.broker.service.rotateCredentials(addon.id);
      const versions = [];
      for (const appId of appIds) versions.push(await releaseApp(deps, appId, `Rotate ${addon.name} credentials`, principal.user.id, { releasePhase: false }));
      await audit(deps, req, principal, { action: 'addon.credentials.rotate', teamId: addon.teamId, target: addon.name });
      return { rotated: addon.name, apps: appIds.length, releaseVersions: versions };
    },
  }),
  route({
    method: 'get',
    path: '/v1/addons/:addon/backups',
    tag: 'addons',
    summary: 'Backups of a Postgres add-on',
    handler: async ({ deps, principal, params }) => {
      const addon = await addonFor(deps, principal, params.addon!, 'read');
      return (await backupsOf(deps).listBackups(addon.id)).map(backupView);
    },
  }),
  route({
    method: 'post',
    path: '/v1/addons/:addon/backups',
    tag: 'addons',
    summary: 'Capture a backup now (pg_dump to the platform storage)',
    handler: async ({ deps, principal, params, req }) => {
      const addon = await addonFor(deps, principal, params.addon!, 'operate');
      const backup = await backupsOf(deps).captureBackup(addon.id);
      await audit(deps, req, principal, { action: 'addon.backup.capture', teamId: addon.teamId, target: addon.name });
      return backupView(backup);
    },
  }),
  route({
    method: 'post',
    path: '/v1/addons/:addon/backups/:id/restore',
    tag: 'addons',
    summary: 'Restore a backup over the current data (pg_restore --clean)',
    status: 200,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      const addon = await addonFor(deps, principal, params.addon!, 'manage');
      await backupsOf(deps).restoreBackup(addon.id, params.id!);
      await audit(deps, req, principal, { action: 'addon.backup.restore', teamId: addon.teamId, target: addon.name, data: { backup: params.id! } });
      return { restored: params.id };
    },
  }),
];

const backupView = (b: BackupInfo): Backup => ({ id: b.id, addonId: b.addonId, sizeBytes: b.sizeBytes, createdAt: b.createdAt.toISOString() });

function backupsOf(deps: Deps): BackupService {
  if (!deps.broker.backups) throw new SlipwayError('unavailable', 'Backups need the Postgres add-on server: set ADDONS_POSTGRES_ADMIN_URL (scripts/addon-servers.sh prints it)');
  return deps.broker.backups;
}
