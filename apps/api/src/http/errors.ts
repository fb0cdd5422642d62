import type { ErrorRequestHandler, RequestHandler } from 'express';
import { SlipwayError, isSlipwayError, type Logger } from '@slipway/core';
import { Prisma, isDatabaseUnavailable } from '@slipway/db';

/** Seconds a client should wait before retrying when a dependency of the API is down. */
export const RETRY_AFTER_SEC = 2;

/** True when the error is ioredis giving up on an unreachable Redis (retries exhausted, connection closed). */
export function isRedisUnavailable(err: unknown): boolean {
  return err instanceof Error && (err.name === 'MaxRetriesPerRequestError' || err.message === 'Connection is closed.');
}

export const databaseUnavailable = (): SlipwayError =>
  new SlipwayError('unavailable', "The platform's database is unavailable; this is temporary, try again in a moment");

/** Maps body-parser, Prisma and unknown errors onto SlipwayError so clients always get `{ error: { code, message } }`. */
export function toSlipwayError(err: unknown): SlipwayError {
  if (isSlipwayError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large') return new SlipwayError('payload_too_large', 'Request body is too large');
  if (e?.type === 'entity.parse.failed') return new SlipwayError('bad_request', 'Request body is not valid JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new SlipwayError('bad_request', 'Unsupported request body encoding');
  }
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  if (isRedisUnavailable(err)) return new SlipwayError('unavailable', "The platform's Redis is unavailable; this is temporary, try again in a moment");
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return new SlipwayError('conflict', 'That name is already taken');
    if (err.code === 'P2025') return new SlipwayError('not_found', 'Resource not found');
  }
  return new SlipwayError('internal', 'Internal error; the request id in X-Request-Id identifies it in the logs');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toSlipwayError(err);
    // A dependency being down is one line per request, not a stack: /healthz and the logs of the dependency tell the rest.
    if (e.code === 'unavailable') log.warn({ reqId: req.id, path: req.path, reason: e.message }, 'request refused: dependency unavailable');
    else if (e.status >= 500) log.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) return res.end();
    if (e.code === 'unavailable') res.setHeader('Retry-After', String(RETRY_AFTER_SEC));
    res.status(e.status).json(e.toJSON());
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new SlipwayError('not_found', `No route for ${req.method} ${req.path}`));
