import express, { type Express, type Router } from 'express';
import type { PassportStatic } from 'passport';
import session from 'express-session';
import RedisStore from 'connect-redis';
import { pinoHttp } from 'pino-http';
import { randomUUID, createHash } from 'node:crypto';
import { SlipwayError } from '@slipway/core';
import type { Deps } from './deps.ts';
import { configurePassport } from './auth/passport.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthz } from './http/health.ts';
import { mount } from './http/route.ts';
import { openApiDocument } from './http/openapi.ts';
import { allRoutes } from './routes/index.ts';
import { createAgentRouter } from './agents/router.ts';
import { createGitRemote } from './git-remote.ts';
import { dashboardMiddleware } from './dashboard.ts';
import { loginLimits } from './auth/login-limits.ts';
import { sameOriginForCookies } from './http/same-origin.ts';
import { declaredBodyLimit } from './http/body-limit.ts';

export const BODY_LIMIT = 256 * 1024;

/** The API as an express app, with no listening socket: main.ts and the tests both use it. */
export function createServer(deps: Deps): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-* only from the proxies the operator named; otherwise the peer address is the client (audit, limits).
  app.set('trust proxy', deps.config.TRUSTED_PROXIES.length ? deps.config.TRUSTED_PROXIES : false);

  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  app.get('/healthz', healthz(deps));

  const passport = configurePassport(deps);
  app.set('passport', passport);
  app.use(
    session({
      name: 'slipway.sid',
      store: new RedisStore({ client: deps.redis, prefix: 'slipway:sess:' }),
      secret: deps.config.SESSION_SECRET ?? sessionSecretFrom(deps.config.SLIPWAY_SECRET_KEYS),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: 7 * 86_400_000 },
    }),
  );
  app.use(passport.session());

  // Git reads raw request bodies, so it comes before any body parser.
  app.use(createGitRemote(deps));
  // Agents authenticate with node credentials, not user tokens, so their routes sit outside the user-facing /v1 stack.
  app.use('/v1/agent', createAgentRouter({ ...deps, joinToken: deps.config.SLIPWAY_JOIN_TOKEN ?? '', internalSecret: deps.config.SLIPWAY_INTERNAL_SECRET }));
  app.use('/v1', createV1Router(deps, passport));
  app.use(dashboardMiddleware());

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}

/** Everything under /v1: the session cookie's same-origin check, JSON body parsing, bearer auth, login limits, the declared routes. */
export function createV1Router(deps: Deps, passport: PassportStatic): Router {
  const v1 = express.Router();
  v1.use(sameOriginForCookies(deps.config.SLIPWAY_PUBLIC_URL));
  v1.use(declaredBodyLimit(BODY_LIMIT), express.json({ limit: BODY_LIMIT, strict: true }));
  v1.use((req, _res, next) => {
    // Bearer tokens authenticate every call; a session cookie only stands when no Authorization header is sent.
    if (!req.headers.authorization) return next();
    passport.authenticate('bearer', { session: false }, (err: unknown, principal: Express.User | false) => {
      if (err) return next(err);
      if (!principal) return next(new SlipwayError('unauthorized', 'Invalid or expired API token'));
      req.user = principal;
      next();
    })(req, _res, next);
  });
  v1.use('/login', ...loginLimits(deps));

  const openapi = openApiDocument(allRoutes);
  v1.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  mount(v1, deps, allRoutes.map((r) => ({ ...r, path: r.path.replace(/^\/v1/, '') })));
  return v1;
}

// Sessions are signed with a key derived from the secret keys so a fresh install needs no extra setting.
function sessionSecretFrom(keys: string): string {
  return createHash('sha256').update(`session:${keys.split(',')[0]}`).digest('base64url');
}
