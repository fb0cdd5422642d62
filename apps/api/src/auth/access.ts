import { SlipwayError, forbidden, notFound } from '@slipway/core';
import type { App, Role } from '@slipway/db';
import type { Deps } from '../deps.ts';
import type { Principal } from './principal.ts';

/** What an operation needs: viewers read, members operate, owners manage and destroy. */
export type Need = 'read' | 'operate' | 'manage';

const allowed: Record<Need, Role[]> = {
  read: ['viewer', 'member', 'owner'],
  operate: ['member', 'owner'],
  manage: ['owner'],
};

/** Token scopes: `global` can do anything its user can; `deploy` may push and read; `read` only reads. */
const scopeAllows: Record<string, Need[]> = {
  global: ['read', 'operate', 'manage'],
  deploy: ['read', 'operate'],
  read: ['read'],
};

export const roleAllows = (role: Role, need: Need): boolean => allowed[need].includes(role);

export function checkScope(principal: Principal, need: Need): void {
  if (!principal.token) return;
  if (!principal.token.scopes.some((s) => scopeAllows[s]?.includes(need))) {
    throw new SlipwayError('forbidden', `This API token's scopes (${principal.token.scopes.join(', ')}) do not allow this action`);
  }
}

export async function teamRole(deps: Deps, principal: Principal, teamId: string): Promise<Role | null> {
  const m = await deps.db.membership.findUnique({ where: { teamId_userId: { teamId, userId: principal.user.id } } });
  return m?.role ?? null;
}

/**
 * Loads an app the principal may act on. Non-members get 404 (the app's existence
 * is not revealed); members whose role is too low get 403.
 */
export async function appFor(deps: Deps, principal: Principal, name: string, need: Need): Promise<App> {
  const app = await deps.db.app.findUnique({ where: { name } });
  if (!app) throw notFound(`App "${name}"`);
  const role = await teamRole(deps, principal, app.teamId);
  if (!role) throw notFound(`App "${name}"`);
  if (!roleAllows(role, need)) throw forbidden(`Your role "${role}" on this app's team cannot ${need} it`);
  checkScope(principal, need);
  return app;
}

export async function teamFor(deps: Deps, principal: Principal, name: string, need: Need): Promise<{ id: string; name: string; role: Role }> {
  const team = await deps.db.team.findUnique({ where: { name } });
  const role = team ? await teamRole(deps, principal, team.id) : null;
  if (!team || !role) throw notFound(`Team "${name}"`);
  if (!roleAllows(role, need)) throw forbidden(`Your role "${role}" on team "${name}" cannot ${need} it`);
  checkScope(principal, need);
  return { id: team.id, name: team.name, role };
}

export function requireAdmin(principal: Principal): void {
  if (!principal.user.isAdmin) throw forbidden('Only platform administrators can do this');
  checkScope(principal, 'manage');
}
