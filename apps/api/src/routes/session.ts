import type { Request } from 'express';
import { z } from 'zod';
import { SlipwayError, hashToken, newToken } from '@slipway/core';
import type { Account, LoginResult } from '@slipway/api-types';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';
import { route } from '../http/route.ts';
import { audit } from '../services/audit.ts';
import { passwordLogin } from '../auth/passport.ts';
import { rememberLoginAddress } from '../auth/login-limits.ts';
import { crossOriginProblem, csrfRefused } from '../http/same-origin.ts';

const loginBody = z.strictObject({
  email: z.string().email(),
  password: z.string().min(1).max(1024),
  /** When set, an API token is issued (the CLI's `slipway login`); otherwise a dashboard session starts. */
  tokenDescription: z.string().min(1).max(200).optional(),
});

function establishSession(req: Request, principal: Principal): Promise<void> {
  return new Promise((resolve, reject) => req.logIn(principal, (err) => (err ? reject(err) : resolve())));
}

export const sessionRoutes = [
  route({
    method: 'post',
    path: '/v1/login',
    tag: 'session',
    summary: 'Log in with email and password: starts a session, or issues an API token when tokenDescription is given',
    auth: 'public',
    status: 200,
    body: loginBody,
    handler: async ({ req, res, deps, body }): Promise<LoginResult> => {
      // Login CSRF: another site must not sign the browser into an account of its choosing. The body must be JSON, which
      // a form cannot send; on top of that, what the browser says about where the request came from must be this API.
      // The CLI sends neither header.
      const problem = crossOriginProblem(req, deps.config.SLIPWAY_PUBLIC_URL, false);
      if (problem) throw csrfRefused(problem);
      const principal = await passwordLogin(req, res);
      if (!principal) {
        await audit(deps, req, null, { action: 'login.failed', target: body.email });
        throw new SlipwayError('unauthorized', 'Email or password is incorrect');
      }
      await audit(deps, req, principal, { action: 'login', target: principal.user.email });
      await rememberLoginAddress(deps, req);
      if (body.tokenDescription) {
        const token = await issueToken(deps, principal.user.id, body.tokenDescription, ['global'], null);
        return { user: principal.user, token: token.token };
      }
      await establishSession(req, principal);
      return { user: principal.user };
    },
  }),
  route({
    method: 'post',
    path: '/v1/logout',
    tag: 'session',
    summary: 'End the dashboard session (API tokens are revoked with DELETE /v1/tokens/:id)',
    auth: 'public',
    status: 204,
    handler: async ({ req }) => {
      await new Promise<void>((resolve) => req.logOut(() => resolve()));
      await new Promise<void>((resolve) => (req.session ? req.session.destroy(() => resolve()) : resolve()));
    },
  }),
  route({
    method: 'get',
    path: '/v1/account',
    tag: 'session',
    summary: 'Who am I: the calling user and their teams',
    handler: async ({ deps, principal }): Promise<Account> => {
      const memberships = await deps.db.membership.findMany({ where: { userId: principal.user.id }, include: { team: true } });
      return {
        ...principal.user,
        teams: memberships.map((m) => ({ name: m.team.name, role: m.role })),
        token: principal.token ? { id: principal.token.id, scopes: principal.token.scopes } : null,
      };
    },
  }),
];

export async function issueToken(deps: Deps, userId: string, description: string, scopes: string[], expiresAt: Date | null) {
  const token = newToken('slw');
  const row = await deps.db.apiToken.create({
    data: { userId, description, tokenHash: hashToken(token), prefix: token.slice(0, 8), scopes, expiresAt },
  });
  return { row, token };
}
