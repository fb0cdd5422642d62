import { z } from 'zod';
import { SlipwayError, notFound } from '@slipway/core';
import type { AddonView } from '@slipway/addons';
import type { Addon } from '@slipway/api-types';
import type { Role } from '@slipway/db';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';
import { teamRole, checkScope, roleAllows, type Need } from '../auth/access.ts';

/** An add-on by id or name, authorized against the team that owns it (others get 404). */
export async function addonFor(deps: Deps, principal: Principal, idOrName: string, need: Need): Promise<AddonView> {
  return (await addonAccess(deps, principal, idOrName, need)).addon;
}

/** addonFor, with the caller's role on the add-on's team (for what the response may show). */
export async function addonAccess(deps: Deps, principal: Principal, idOrName: string, need: Need): Promise<{ addon: AddonView; role: Role }> {
  const row = z.string().uuid().safeParse(idOrName).success
    ? await deps.db.addon.findUnique({ where: { id: idOrName }, select: { id: true, teamId: true, state: true } })
    : await deps.db.addon.findUnique({ where: { name: idOrName }, select: { id: true, teamId: true, state: true } });
  const role = row && row.state !== 'deprovisioned' ? await teamRole(deps, principal, row.teamId) : null;
  if (!row || !role) throw notFound(`Add-on ${idOrName}`);
  if (!roleAllows(role, need)) throw new SlipwayError('forbidden', `Your role "${role}" cannot ${need} this add-on`);
  checkScope(principal, need);
  return { addon: await deps.broker.service.get(row.id), role };
}

/** The add-on as clients see it: app names instead of ids, and which vars each attachment sets. */
export async function addonView(deps: Deps, addon: AddonView): Promise<Addon> {
  const apps = await deps.db.app.findMany({ where: { id: { in: [...addon.attachments.map((a) => a.appId), ...(addon.ownerAppId ? [addon.ownerAppId] : [])] } }, select: { id: true, name: true } });
  const nameOf = new Map(apps.map((a) => [a.id, a.name]));
  const suffixes = addon.service === 'redis' ? ['URL', 'KEY_PREFIX'] : ['URL'];
  return {
    id: addon.id,
    name: addon.name,
    service: addon.service,
    plan: addon.plan,
    state: addon.state,
    lastOperation: addon.lastOperation,
    failure: addon.failure,
    ownerApp: addon.ownerAppId ? (nameOf.get(addon.ownerAppId) ?? null) : null,
    attachments: addon.attachments.map((a) => ({ app: nameOf.get(a.appId) ?? null, alias: a.alias, configVars: suffixes.map((s) => `${a.alias}_${s}`) })),
    usage: addon.usage ? { ...addon.usage, measuredAt: addon.usage.measuredAt?.toISOString() ?? null } : null,
    connectionLimit: addon.connectionLimit,
    createdAt: addon.createdAt.toISOString(),
    updatedAt: addon.updatedAt.toISOString(),
  };
}
