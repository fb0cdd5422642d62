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

/**
 * Token scopes cap what a token may do; the user's team role caps it further.
 * - `read`: every read, but config var values and add-on credentials are names only.
 * - `deploy`: what a member does to existing apps (push, config, scale, restart, run, rollback,
 *   domains, add-ons, backups), secrets included; never creates, renames or destroys apps or
 *   teams, changes who has access (members, tokens) or destroys data (add-on destroy, restore, rotation).
 * - `global`: everything the user's roles allow.
 */
const scopeAllows: Record<string, Need[]> = {
  global: ['read', 'operate', 'manage'],
  deploy: ['read', 'operate'],
  read: ['read'],
};

export const roleAllows = (role: Role, need: Need): boolean => allowed[need].includes(role);

/** The scopes whose tokens may do what `need` asks, for messages and the API document. */
export const scopesFor = (need: Need): string[] => Object.keys(scopeAllows).filter((s) => scopeAllows[s]!.includes(need));

export const scopesAllow = (principal: Principal, need: Need): boolean =>
  !principal.token || principal.token.scopes.some((s) => scopeAllows[s]?.includes(need));

export function checkScope(principal: Principal, need: Need): void {
  if (!scopesAllow(principal, need)) {
    throw new SlipwayError('forbidden', `This API token's scopes (${principal.token!.scopes.join(', ')}) do not allow this action; it needs a token with scope ${scopesFor(need).join(' or ')}`);
  }
}

/**
 * Secret values (config var values, add-on credentials, one-off output) go only to callers
 * who may change them: a member or owner, through a session or a `deploy`/`global` token.
 * Returns why they are hidden from this caller, or null when they are not.
 */
export function secretsHiddenReason(principal: Principal, role: Role): string | null {
  if (!roleAllows(role, 'operate')) return `your role "${role}" can see names only`;
  if (!scopesAllow(principal, 'operate')) return `this API token's scope (${principal.token!.scopes.join(', ')}) can see names only`;
  return null;
}

/** Refuses a caller who may not see secret values, saying why and what would. */
export function checkSecrets(principal: Principal, role: Role): void {
  const hidden = secretsHiddenReason(principal, role);
  if (hidden) throw forbidden(`Secret values are hidden: ${hidden}; values and credentials need the member or owner role and a deploy or global token`);
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
  return (await appAccess(deps, principal, name, need)).app;
}

/** appFor, with the caller's role on the app's team (for what the response may show). */
export async function appAccess(deps: Deps, principal: Principal, name: string, need: Need): Promise<{ app: App; role: Role }> {
  const app = await deps.db.app.findUnique({ where: { name } });
  if (!app) throw notFound(`App "${name}"`);
  const role = await teamRole(deps, principal, app.teamId);
  if (!role) throw notFound(`App "${name}"`);
  if (!roleAllows(role, need)) throw forbidden(`Your role "${role}" on this app's team cannot ${need} it`);
  checkScope(principal, need);
  return { app, role };
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
