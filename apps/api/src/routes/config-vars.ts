import { z } from 'zod';
import { configKey } from '@slipway/core';
import type { ConfigVarsUpdate, ConfigVarsView } from '@slipway/api-types';
import { route } from '../http/route.ts';
import { appAccess, appFor, secretsHiddenReason } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { SlipwayError } from '@slipway/core';
import { createRelease, currentConfig, describeConfigChange, inReleaseTx, notifyDesired, releaseView, userConfig } from '../services/releases.ts';

/** Heroku's shape: `{ "KEY": "value" }` sets, `{ "KEY": null }` unsets, all in one release. */
const changes = z
  .record(configKey, z.string().max(32_768).nullable())
  .refine((r) => Object.keys(r).length > 0, 'Give at least one config var')
  .refine((r) => Object.keys(r).length <= 500, 'At most 500 config vars per change');

export const configVarRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/config-vars',
    tag: 'config',
    summary: "The app's config vars, including those its add-ons set; values only to callers who may change them (member or owner, with a deploy or global token), null for the others (names only)",
    handler: async ({ deps, principal, params }): Promise<ConfigVarsView> => {
      const { app, role } = await appAccess(deps, principal, params.app!, 'read');
      const config = await currentConfig(deps, deps.db, app.id);
      if (!secretsHiddenReason(principal, role)) return config;
      return Object.fromEntries(Object.keys(config).map((key) => [key, null]));
    },
  }),
  route({
    method: 'patch',
    path: '/v1/apps/:app/config-vars',
    tag: 'config',
    summary: 'Set and unset config vars at once; any real change creates a new release',
    status: 200,
    body: changes,
    handler: async ({ deps, principal, params, body, req }): Promise<ConfigVarsUpdate> => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const managed = Object.keys(await deps.broker.service.configVarsForApp(app.id)).filter((k) => k in body);
      if (managed.length) {
        throw new SlipwayError('unprocessable', `${managed.join(', ')} ${managed.length > 1 ? 'are' : 'is'} set by an attached add-on; detach the add-on instead`);
      }
      const result = await inReleaseTx(deps, async (tx) => {
        const before = await userConfig(deps, tx, app.id);
        const set = Object.entries(body).filter((e): e is [string, string] => e[1] !== null && before[e[0]] !== e[1]);
        const unset = Object.keys(body).filter((k) => body[k] === null && k in before);
        for (const [key, value] of set) {
          const sealed = deps.box.encrypt(value);
          await tx.configVar.upsert({ where: { appId_key: { appId: app.id, key } }, create: { appId: app.id, key, value: sealed }, update: { value: sealed } });
        }
        if (unset.length) await tx.configVar.deleteMany({ where: { appId: app.id, key: { in: unset } } });
        // Setting a var to the value it has is a no-op, as on Heroku: no release.
        const release = set.length || unset.length
          ? await createRelease(deps, tx, { appId: app.id, description: describeConfigChange(set.map((e) => e[0]), unset), createdById: principal.user.id })
          : null;
        return { config: await currentConfig(deps, tx, app.id), release, set: set.map((e) => e[0]), unset };
      });
      if (result.release) {
        await audit(deps, req, principal, { action: 'config.update', teamId: app.teamId, appId: app.id, target: app.name, data: { set: result.set, unset: result.unset } });
        await notifyDesired(deps, app.id);
      }
      return { config: result.config, release: result.release ? releaseView(result.release) : null };
    },
  }),
];
