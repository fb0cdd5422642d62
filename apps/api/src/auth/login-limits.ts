import { createHash, createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { SlipwayError } from '@slipway/core';
import type { Deps } from '../deps.ts';

/** How long an address that logged into an account keeps a lockout bucket of its own for that account. */
const KNOWN_ADDRESS_TTL_SECONDS = 30 * 86_400;

/**
 * The account a login names, as a keyed hash of its normalized email (no emails in Redis).
 */
function accountKeyer(secretKeys: string): (req: Request) => string | null {
  const key = createHash('sha256').update(`login-account:${secretKeys.split(',')[0]}`).digest();
  return (req) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? createHmac('sha256', key).update(email.trim().toLowerCase()).digest('hex') : null;
  };
}
const knownKey = (account: string, ip: string) => `slipway:login:known:${account}:${ip}`;

/**
 * Login throttling, after the JSON body is parsed and before the password is checked:
 *  - per client address (req.ip: the peer, or what a TRUSTED_PROXIES proxy says), LOGIN_RATE_LIMIT a minute;
 *  - per account (normalized email), LOGIN_ACCOUNT_FAILURES failed attempts in a fixed window of
 *    LOGIN_LOCKOUT_WINDOW_SECONDS, from any number of addresses; then the account's password login is locked until the
 *    window ends (answers 429 with Retry-After). Only wrong passwords count (refused attempts neither count nor extend
 *    the window). An address that logged into the account before (within 30 days) counts in a bucket of its own, so a
 *    stranger who knows an email locks out only addresses new to the account, for one window at a time, while someone
 *    sharing the owner's address gets no more guesses than a stranger. Sessions and API tokens are never affected.
 */
export function loginLimits(deps: Deps): RequestHandler[] {
  const { config, redis } = deps;
  const accountOf = accountKeyer(config.SLIPWAY_SECRET_KEYS);
  // Counters are per platform: several platforms may share one Redis (the tests do).
  const platform = createHash('sha256').update(`login-limits:${config.SLIPWAY_SECRET_KEYS.split(',')[0]}`).digest('hex').slice(0, 16);
  const store = (prefix: string) =>
    new RedisStore({ prefix, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply> });
  // We decide which X-Forwarded-For to believe (TRUSTED_PROXIES); the library need not warn about the ones we ignore.
  const validate = { xForwardedForHeader: false };

  const bucketOf = async (req: Request): Promise<string> => {
    const account = accountOf(req)!;
    const known = await redis.exists(knownKey(account, req.ip ?? ''));
    return known ? `${account}:${req.ip}` : account;
  };

  const perAddress = rateLimit({
    windowMs: 60_000,
    limit: config.LOGIN_RATE_LIMIT,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate,
    store: store(`slipway:rl:login:${platform}:`),
    handler: (req, res, next) => next(new SlipwayError('rate_limited', `Too many login attempts from your address; try again ${retryAt(req, res)}`)),
  });

  const perAccount = rateLimit({
    windowMs: config.LOGIN_LOCKOUT_WINDOW_SECONDS * 1000,
    limit: config.LOGIN_ACCOUNT_FAILURES,
    // Only a wrong password counts: not refusals (429, CSRF, validation) that never checked one.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: false,
    legacyHeaders: false,
    validate,
    keyGenerator: (req) => bucketOf(req),
    skip: (req) => accountOf(req) === null,
    store: store(`slipway:rl:login-account:${platform}:`),
    handler: (req, res, next) =>
      next(
        new SlipwayError(
          'rate_limited',
          `Too many failed logins for this account; its password login is locked until ${retryAt(req, res)}. API tokens and open sessions still work`,
        ),
      ),
  });

  return [perAddress, perAccount];
}

/** After a successful login: this address may log into this account even while strangers have it locked. */
export async function rememberLoginAddress(deps: Deps, req: Request): Promise<void> {
  const account = accountKeyer(deps.config.SLIPWAY_SECRET_KEYS)(req);
  if (account && req.ip) await deps.redis.set(knownKey(account, req.ip), '1', 'EX', KNOWN_ADDRESS_TTL_SECONDS);
}

/** Sets Retry-After and says when, e.g. "20:52:10 UTC (in 14 minutes)". */
function retryAt(req: Request, res: Response): string {
  const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
  const at = info?.resetTime ?? new Date(Date.now() + 60_000);
  const seconds = Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));
  res.set('Retry-After', String(seconds));
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `${at.toISOString().slice(11, 19)} UTC (in ${wait})`;
}
