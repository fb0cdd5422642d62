import { z } from 'zod';
import { route } from '../http/route.ts';
import { requireAdmin } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { createUser } from '../services/users.ts';
import { destroyUser } from '../services/destroy-user.ts';

export const userRoutes = [
  route({
    method: 'post',
    path: '/v1/users',
    tag: 'users',
    summary: 'Create a user with a personal team (administrators only)',
    idempotent: true,
    need: 'manage',
    body: z.strictObject({
      email: z.string().email().max(254),
      password: z.string().min(10, 'Passwords need at least 10 characters').max(1024),
      admin: z.boolean().default(false),
    }),
    handler: async ({ deps, principal, body, req }) => {
      requireAdmin(principal);
      const user = await createUser(deps, body.email, body.password, body.admin);
      await audit(deps, req, principal, { action: 'user.create', target: user.email });
      return { id: user.id, email: user.email, isAdmin: user.isAdmin, createdAt: user.createdAt };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/users/:email',
    tag: 'users',
    summary: 'Destroy a user: their tokens, memberships and the teams only they belong to (administrators only; refused while they are the last owner of a shared team or a team with apps)',
    status: 204,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      requireAdmin(principal);
      const removed = await destroyUser(deps, params.email!, principal.user.id);
      await audit(deps, req, principal, { action: 'user.destroy', target: removed.email, data: { tokens: removed.tokens, memberships: removed.memberships, teams: removed.teams } });
    },
  }),
];
