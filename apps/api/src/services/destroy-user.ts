import { SlipwayError, notFound } from '@slipway/core';
import type { Deps } from '../deps.ts';

export interface DestroyedUser {
  email: string;
  tokens: number;
  memberships: number;
  teams: number;
}

/**
 * Removes a user with their tokens and memberships, and the teams nobody else
 * belongs to. Refused (nothing changed) while a team would lose its last owner
 * to other members, or a team of theirs alone still owns apps or add-ons.
 * An unknown email answers 404, so a repeat is harmless.
 */
export async function destroyUser(deps: Deps, email: string, callerId: string): Promise<DestroyedUser> {
  return deps.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: email.toLowerCase() }, include: { memberships: true } });
    if (!user) throw notFound(`User "${email}"`);
    if (user.id === callerId) throw new SlipwayError('conflict', 'You cannot destroy your own account');
    const soleTeams: string[] = [];
    for (const m of user.memberships) {
      const others = await tx.membership.findMany({ where: { teamId: m.teamId, userId: { not: user.id } } });
      if (others.length === 0) soleTeams.push(m.teamId);
      else if (m.role === 'owner' && !others.some((o) => o.role === 'owner')) {
        throw new SlipwayError('conflict', `${user.email} is the last owner of a shared team: make someone else owner first`);
      }
    }
    const owned = await tx.app.count({ where: { teamId: { in: soleTeams } } }) + (await tx.addon.count({ where: { teamId: { in: soleTeams }, state: { not: 'deprovisioned' } } }));
    if (owned) throw new SlipwayError('conflict', `${user.email} alone holds teams with apps or add-ons: destroy or transfer them first`);
    const tokens = await tx.apiToken.deleteMany({ where: { userId: user.id } });
    const memberships = await tx.membership.deleteMany({ where: { userId: user.id } });
    await tx.addon.deleteMany({ where: { teamId: { in: soleTeams } } });
    const teams = await tx.team.deleteMany({ where: { id: { in: soleTeams } } });
    await tx.idempotencyKey.deleteMany({ where: { userId: user.id } });
    await tx.user.delete({ where: { id: user.id } });
    return { email: user.email, tokens: tokens.count, memberships: memberships.count, teams: teams.count };
  });
}
