import { z } from 'zod';
import { notFound } from '@slipway/core';
import type { ApiToken } from '@slipway/db';
import type { ApiToken as ApiTokenView, NewApiToken } from '@slipway/api-types';
import { route } from '../http/route.ts';
import { paginate } from '../http/pagination.ts';
import { audit } from '../services/audit.ts';
import { issueToken } from './session.ts';

const tokenView = (t: ApiToken): ApiTokenView => ({
  id: t.id,
  description: t.description,
  prefix: t.prefix,
  scopes: t.scopes,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
});

export const tokenRoutes = [
  route({
    method: 'get',
    path: '/v1/tokens',
    tag: 'tokens',
    summary: "List the caller's API tokens (never the tokens themselves)",
    handler: async ({ deps, principal, req }) => {
      const where = { userId: principal.user.id };
      return paginate(req.query, (page) => deps.db.apiToken.findMany({ where, orderBy: { createdAt: 'asc' }, ...page }), () => deps.db.apiToken.count({ where }), (rows) => rows.map(tokenView));
    },
  }),
  route({
    method: 'post',
    path: '/v1/tokens',
    tag: 'tokens',
    summary: 'Create an API token; the token is in this response only',
    idempotent: true,
    need: 'manage',
    body: z.strictObject({
      description: z.string().min(1).max(200),
      scopes: z.array(z.enum(['global', 'deploy', 'read'])).min(1).default(['global']),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    handler: async ({ deps, principal, body, req }): Promise<NewApiToken> => {
      const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
      const { row, token } = await issueToken(deps, principal.user.id, body.description, body.scopes, expiresAt);
      await audit(deps, req, principal, { action: 'token.create', target: row.id, data: { scopes: body.scopes } });
      return { ...tokenView(row), token };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/tokens/:id',
    tag: 'tokens',
    summary: 'Revoke an API token (repeating it is harmless)',
    status: 204,
    need: 'manage',
    handler: async ({ deps, principal, params, req }) => {
      if (!z.string().uuid().safeParse(params.id).success) throw notFound('Token');
      const { count } = await deps.db.apiToken.deleteMany({ where: { id: params.id, userId: principal.user.id } });
      if (count) await audit(deps, req, principal, { action: 'token.revoke', target: params.id });
    },
  }),
];
