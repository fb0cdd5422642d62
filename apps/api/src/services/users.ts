import { randomBytes } from 'node:crypto';
import { hashPassword } from '@slipway/core';
import type { User } from '@slipway/db';
import type { Deps } from '../deps.ts';

/** Each user gets a personal team named after their email's local part, made unique. */
export async function createUser(deps: Deps, email: string, password: string, isAdmin = false): Promise<User> {
  const passwordHash = await hashPassword(password);
  const base = (email.split('@')[0] ?? 'user').toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').slice(0, 30) || 'user';
  return deps.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: email.toLowerCase(), passwordHash, isAdmin } });
    let name = base.length >= 3 ? base : `${base}-team`;
    while (await tx.team.findUnique({ where: { name } })) name = `${base}-${randomBytes(2).toString('hex')}`;
    await tx.team.create({ data: { name, memberships: { create: { userId: user.id, role: 'owner' } } } });
    return user;
  });
}

/**
 * First start: create the administrator. The password comes from
 * SLIPWAY_ADMIN_PASSWORD or is generated and returned so main.ts prints it once.
 */
export async function bootstrapAdmin(deps: Deps): Promise<{ email: string; password: string } | null> {
  if ((await deps.db.user.count()) > 0) return null;
  const email = deps.config.SLIPWAY_ADMIN_EMAIL;
  const password = deps.config.SLIPWAY_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  try {
    await createUser(deps, email, password, true);
  } catch {
    return null; // another API process bootstrapped at the same moment
  }
  return { email, password };
}
