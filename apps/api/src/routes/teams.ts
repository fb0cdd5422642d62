import { z } from 'zod';
import { SlipwayError, notFound, teamName } from '@slipway/core';
import type { Member, Team } from '@slipway/api-types';
import { route } from '../http/route.ts';
import { paginate } from '../http/pagination.ts';
import { teamFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';

const role = z.enum(['owner', 'member', 'viewer']);

export const teamRoutes = [
  route({
    method: 'get',
    path: '/v1/teams',
    tag: 'teams',
    summary: 'List the teams the caller belongs to, with their role',
    handler: async ({ deps, principal, req }) => {
      const where = { userId: principal.user.id };
      return paginate(
        req.query,
        (page) => deps.db.membership.findMany({ where, include: { team: true }, orderBy: { createdAt: 'asc' }, ...page }),
        () => deps.db.membership.count({ where }),
        (rows) => rows.map((m): Team => ({ id: m.team.id, name: m.team.name, role: m.role })),
      );
    },
  }),
  route({
    method: 'post',
    path: '/v1/teams',
    tag: 'teams',
    summary: 'Create a team; the caller becomes its owner',
    idempotent: true,
    need: 'manage',
    body: z.strictObject({ name: teamName }),
    handler: async ({ deps, principal, body, req }): Promise<Team> => {
      if (await deps.db.team.findUnique({ where: { name: body.name } })) throw new SlipwayError('conflict', `Team name "${body.name}" is already taken`);
      const team = await deps.db.team.create({
        data: { name: body.name, memberships: { create: { userId: principal.user.id, role: 'owner' } } },
      });
      await audit(deps, req, principal, { action: 'team.create', teamId: team.id, target: team.name });
      return { id: team.id, name: team.name, role: 'owner' };
    },
  }),
  route({
    method: 'get',
    path: '/v1/teams/:team/members',
    tag: 'teams',
    summary: 'List members of a team',
    handler: async ({ deps, principal, params, req }) => {
      const team = await teamFor(deps, principal, params.team!, 'read');
      const where = { teamId: team.id };
      return paginate(
        req.query,
        (page) => deps.db.membership.findMany({ where, include: { user: true }, orderBy: { createdAt: 'asc' }, ...page }),
        () => deps.db.membership.count({ where }),
        (rows) => rows.map((m): Member => ({ email: m.user.email, role: m.role })),
      );
    },
  }),
  route({
    method: 'put',
    path: '/v1/teams/:team/members',
    tag: 'teams',
    summary: 'Add a user to a team or change their role (owners only)',
    status: 200,
    need: 'manage',
    body: z.strictObject({ email: z.string().email(), role }),
    handler: async ({ deps, principal, params, body, req }): Promise<Member> => {
      const team = await teamFor(deps, principal, params.team!, 'manage');
      const user = await deps.db.user.findUnique({ where: { email: body.email.toLowerCase() } });
      if (!user) throw notFound(`User "${body.email}"`);
      if (user.id === principal.user.id && body.role !== 'owner') await assertAnotherOwner(deps, team.id, user.id);
      await deps.db.membership.upsert({
        where: { teamId_userId: { teamId: team.id, userId: user.id } },
        create: { teamId: team.id, userId: user.id, role: body.role },
        update: { role: body.role },
      });
      await audit(deps, req, principal, { action: 'team.member.set', teamId: team.id, target: user.email, data: { role: body.role } });
      return { email: user.email, role: body.role };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/teams/:team/members/:email',
    tag: 'teams',
    summary: 'Remove a member from a team (owners only; the last owner stays)',
    status: 204,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      const team = await teamFor(deps, principal, params.team!, 'manage');
      const user = await deps.db.user.findUnique({ where: { email: params.email!.toLowerCase() } });
      if (!user) return;
      await assertAnotherOwner(deps, team.id, user.id);
      const { count } = await deps.db.membership.deleteMany({ where: { teamId: team.id, userId: user.id } });
      if (count) await audit(deps, req, principal, { action: 'team.member.remove', teamId: team.id, target: user.email });
    },
  }),
];

async function assertAnotherOwner(deps: import('../deps.ts').Deps, teamId: string, leavingUserId: string): Promise<void> {
  const others = await deps.db.membership.count({ where: { teamId, role: 'owner', userId: { not: leavingUserId } } });
  if (others === 0) throw new SlipwayError('conflict', 'A team needs at least one owner: make someone else owner first');
}
