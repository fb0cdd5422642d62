import type { Request, Response } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { hashToken, verifyPassword } from '@slipway/core';
import type { Deps } from '../deps.ts';
import type { Principal } from './principal.ts';

// A fixed hash to compare against when the email is unknown, so timing does not reveal which emails exist.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Password login for the dashboard session; bearer tokens for the CLI and ops. */
export function configurePassport(deps: Deps): passport.PassportStatic {
  const pp = new passport.Passport() as unknown as passport.PassportStatic;

  pp.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: true }, (email, password, done) => {
      verifyCredentials(deps, email, password)
        .then((p) => done(null, p ?? false))
        .catch(done);
    }),
  );

  pp.use(
    new BearerStrategy((token, done) => {
      authenticateToken(deps, token)
        .then((p) => done(null, p ?? false))
        .catch(done);
    }),
  );

  pp.serializeUser((p, done) => done(null, (p as Principal).user.id));
  pp.deserializeUser((id: string, done) => {
    deps.db.user
      .findUnique({ where: { id } })
      .then((user) => done(null, user ? ({ user: { id: user.id, email: user.email, isAdmin: user.isAdmin } } satisfies Principal) : false))
      .catch(done);
  });
  return pp;
}

/** Runs the local strategy for a login request whose body was already validated. */
export function passwordLogin(req: Request, res: Response): Promise<Principal | null> {
  const pp = req.app.get('passport') as passport.PassportStatic;
  return new Promise((resolve, reject) =>
    pp.authenticate('local', { session: false }, (err: unknown, p: Principal | false) => (err ? reject(err) : resolve(p || null)))(
      req,
      res,
      reject,
    ),
  );
}

async function verifyCredentials(deps: Deps, email: string, password: string): Promise<Principal | null> {
  const user = await deps.db.user.findUnique({ where: { email: email.toLowerCase() } });
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return ok && user ? { user: { id: user.id, email: user.email, isAdmin: user.isAdmin } } : null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Shared by the bearer strategy and git's basic auth (password = token). */
export async function authenticateToken(deps: Deps, token: string): Promise<Principal | null> {
  const row = await deps.db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || (row.expiresAt && row.expiresAt < new Date())) return null;
  // Recording use is best-effort, must not slow or fail the request, and is a write only once a minute per token.
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    void deps.db.apiToken.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  return { user: { id: row.user.id, email: row.user.email, isAdmin: row.user.isAdmin }, token: { id: row.id, scopes: row.scopes } };
}
